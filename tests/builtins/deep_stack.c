/* A user stack deeper than one bpf_get_stack piece (16 frames) for len():
 * argv[1] nested calls (frame pointers kept), then getppid(). */
#include <stdlib.h>
#include <unistd.h>

__attribute__((noinline)) static int nest(int n)
{
    if (n == 0)
        return (int)getppid();
    return nest(n - 1) + 1;
}

int main(int argc, char **argv)
{
    usleep(500000); /* the tracer attaches meanwhile */
    return nest(argc > 1 ? atoi(argv[1]) : 40) > 0 ? 0 : 1;
}
