/* Types for include_header_types.bt, as a C header of the script's own
 * would hold them, among what bpftrace's clang also read and sobt passes over
 * (a prototype, an inline function, an extern variable). */
#ifndef INCLUDE_HEADER_TYPES_H
#define INCLUDE_HEADER_TYPES_H

typedef unsigned int u32_t;
enum color { RED = 1, GREEN, BLUE };
struct point {
  int x; // a comment
  int y;
} origin;
int area(struct point *p);
static inline int twice(int v) { return v * 2; }
extern const char *names[];
union num { u32_t u; char c[2]; };
struct rect { struct point a, b; long id; char tag[4]; };
#endif
