// The C++ part of uprobe_target: a method and an overloaded function in a
// namespace, for uprobes on demangled names.
#include "target.h"

namespace sobt_test
{

struct Widget {
    int base;
    __attribute__((noinline)) int compute(int x);
};

int Widget::compute(int x)
{
    return base * x;
}

__attribute__((noinline)) int overloaded(int x)
{
    return x + 1;
}

__attribute__((noinline)) int overloaded(long x, int y)
{
    return (int)x + y;
}

} // namespace sobt_test

extern "C" long run_cpp(int i)
{
    sobt_test::Widget w{7};
    return w.compute(i) + sobt_test::overloaded(i) + sobt_test::overloaded((long)i, 2);
}
