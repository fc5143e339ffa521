// Race helper for tests/run-race.sh: exchange two paths (a folder and a
// symbolic link) with renameat2(RENAME_EXCHANGE) COUNT times, SLEEP_US
// microseconds apart, then print the number of exchanges done. An even count
// leaves both paths as they were.
// Usage: swap PATH_A PATH_B COUNT SLEEP_US
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

// 'main()' - Exchange PATH_A and PATH_B COUNT times.
int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s PATH_A PATH_B COUNT SLEEP_US\n", argv[0]);
    return 2;
  }
  long count = strtol(argv[3], NULL, 10), sleep_us = strtol(argv[4], NULL, 10);
  struct timespec ts = {sleep_us / 1000000, (sleep_us % 1000000) * 1000};
  long done = 0;
  for (; done < count; done++) {
    if (renameat2(AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE) != 0) {
      perror("renameat2");
      return 1;
    }
    if (sleep_us > 0)
      nanosleep(&ts, NULL);
  }
  printf("%ld\n", done);
  return 0;
}
