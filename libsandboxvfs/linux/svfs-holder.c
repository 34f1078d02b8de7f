/* svfs-holder.c: sandboxvfs-holder, what keeps an ordinary user's
 * namespaces alive
 *
 * In a user namespace made for an unprivileged caller, the process that
 * built the view ends by executing this program, so that the process
 * holding the namespaces (PID 1 of the new PID namespace, which the
 * container's root may ptrace) carries nothing of the caller's memory,
 * and the build itself never copied it (see svfs-mounter-apply.c).
 *
 * It is started with the control pipe as fd 0, every signal blocked and
 * SIGCHLD ignored (so orphans are reaped for it), and waits for the pipe
 * to close.  No libc: it starts in microseconds and maps two pages.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <asm/unistd.h>
#include <linux/prctl.h>

long holder_syscall (long number, long a, long b, long c);
void holder_main (void) __attribute__ ((noreturn, used));

long
holder_syscall (long number,
                long a,
                long b,
                long c)
{
  long ret;

#if defined(__x86_64__)
  __asm__ volatile ("syscall"
                    : "=a" (ret)
                    : "a" (number), "D" (a), "S" (b), "d" (c)
                    : "rcx", "r11", "memory");
#elif defined(__aarch64__)
  register long x8 __asm__ ("x8") = number;
  register long x0 __asm__ ("x0") = a;
  register long x1 __asm__ ("x1") = b;
  register long x2 __asm__ ("x2") = c;

  __asm__ volatile ("svc 0"
                    : "+r" (x0)
                    : "r" (x8), "r" (x1), "r" (x2)
                    : "memory");
  ret = x0;
#else
# error "sandboxvfs-holder has no system call code for this architecture"
#endif
  return ret;
}

void
holder_main (void)
{
  char byte;

  holder_syscall (__NR_prctl, PR_SET_NAME, (long) "sandboxvfs-hold", 0);
  while (holder_syscall (__NR_read, 0, (long) &byte, 1) > 0)
    ;
  for (;;)
    holder_syscall (__NR_exit_group, 0, 0, 0);
}

/* The entry point: an aligned stack, then C. */
#if defined(__x86_64__)
__asm__ (".text\n"
         ".globl _start\n"
         "_start:\n"
         "  xor %rbp, %rbp\n"
         "  and $-16, %rsp\n"
         "  call holder_main\n"
         "  hlt\n");
#elif defined(__aarch64__)
__asm__ (".text\n"
         ".globl _start\n"
         "_start:\n"
         "  mov x29, #0\n"
         "  mov x30, #0\n"
         "  bl holder_main\n"
         "  b .\n");
#endif
