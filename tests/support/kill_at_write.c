/* LD_PRELOAD shim of the crash-storm test and benchmark: a SIGKILL at any moment inside HDF5's own write
 * sequence, not only between gpiqa's calls. It counts the write(2)/pwrite(2) calls on the file named by
 * GPIQA_TEST_KILL_PATH and, at the K-th (GPIQA_TEST_KILL_AT_WRITE=K), kills the process before the write, or,
 * with GPIQA_TEST_KILL_TORN=1, after writing its first half (a torn write: what a kill between two pages of a
 * long write leaves). Without the variables it only passes the calls through. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static char target[PATH_MAX];
static long kill_at = -1, count = 0;
static int torn = 0;

static void setup(void) {
  if (kill_at >= 0) return;
  kill_at = 0;
  const char* path = getenv("GPIQA_TEST_KILL_PATH");
  const char* at = getenv("GPIQA_TEST_KILL_AT_WRITE");
  if (!path || !at) return;
  if (!realpath(path, target)) { /* not created yet: compare the name as given, made absolute */
    char cwd[PATH_MAX];
    if (path[0] == '/' || !getcwd(cwd, sizeof cwd)) snprintf(target, sizeof target, "%s", path);
    else snprintf(target, sizeof target, "%s/%s", cwd, path);
  }
  kill_at = atol(at);
  torn = getenv("GPIQA_TEST_KILL_TORN") && atoi(getenv("GPIQA_TEST_KILL_TORN")) == 1;
}

/* 1: kill now (after a torn half write when asked); 0: write on. */
static int due(int fd) {
  setup();
  if (kill_at <= 0) return 0;
  char link[64], path[PATH_MAX];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  const ssize_t n = readlink(link, path, sizeof path - 1);
  if (n <= 0) return 0;
  path[n] = '\0';
  return strcmp(path, target) == 0 && ++count == kill_at;
}

ssize_t pwrite64(int fd, const void* buf, size_t n, off_t offset) {
  static ssize_t (*real)(int, const void*, size_t, off_t) = NULL;
  if (!real) real = (ssize_t (*)(int, const void*, size_t, off_t))dlsym(RTLD_NEXT, "pwrite64");
  if (due(fd)) {
    if (torn && n > 1) real(fd, buf, n / 2, offset);
    raise(SIGKILL);
  }
  return real(fd, buf, n, offset);
}

ssize_t pwrite(int fd, const void* buf, size_t n, off_t offset) {
  return pwrite64(fd, buf, n, offset);
}

ssize_t write(int fd, const void* buf, size_t n) {
  static ssize_t (*real)(int, const void*, size_t) = NULL;
  if (!real) real = (ssize_t (*)(int, const void*, size_t))dlsym(RTLD_NEXT, "write");
  if (due(fd)) {
    if (torn && n > 1) real(fd, buf, n / 2);
    raise(SIGKILL);
  }
  return real(fd, buf, n);
}
