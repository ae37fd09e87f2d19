/*
 * RADIUS load generator for bench:radius, in the spirit of radperf (which Debian does not package).
 * It shares the benchmark's two cores with FreeRADIUS, Abonent and PostgreSQL, so it must cost little:
 * the Node generator (radius-load.ts) spends 50-120 µs of CPU per request, this one ~25 µs (mostly the
 * kernel's UDP path).
 *
 *   radload <udp port on 127.0.0.1> <in flight> <timeout ms> <packets file> [latencies file]
 *
 * The file holds pre-encoded Access-Requests back to back (each one's length is in its header). They
 * are sent with a fixed number outstanding; each answer (matched by the identifier) releases the next
 * send. Identifiers are reused in FIFO order (FreeRADIUS keeps a finished request for cleanup_delay and
 * treats a quick reuse of its identifier as a conflicting packet) and written just before sending: an
 * Access-Request without Message-Authenticator does not sign its identifier. A packet unanswered after
 * the timeout counts as lost and its identifier is reused. Prints one JSON line, as blast() returns; with
 * a latencies file, writes there every answer's latency in ms (doubles in the machine's byte order, in
 * the order the answers came) so that percentiles can be taken over several runs together.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc != 5 && argc != 6) {
    fprintf(stderr, "usage: radload port inflight timeout_ms packets.bin [latencies.bin]\n");
    return 2;
  }
  int port = atoi(argv[1]), inflight = atoi(argv[2]);
  double timeout = atof(argv[3]);
  if (inflight < 1 || inflight > 255) {
    fprintf(stderr, "in flight must be 1..255\n");
    return 2;
  }
  FILE *f = fopen(argv[4], "rb");
  if (!f) { perror(argv[4]); return 2; }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *buf = malloc(size > 0 ? size : 1);
  if (fread(buf, 1, size, f) != (size_t)size) { perror("read"); return 2; }
  fclose(f);

  long n = 0;
  for (long o = 0; o + 20 <= size; n++) o += (buf[o + 2] << 8) | buf[o + 3];
  unsigned char **packet = malloc((n ? n : 1) * sizeof *packet);
  int *length = malloc((n ? n : 1) * sizeof *length);
  for (long i = 0, o = 0; i < n; i++) {
    packet[i] = buf + o;
    length[i] = (buf[o + 2] << 8) | buf[o + 3];
    o += length[i];
  }

  int s = socket(AF_INET, SOCK_DGRAM, 0);
  int bytes = 4 << 20;
  setsockopt(s, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
  setsockopt(s, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes);
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port)};
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  if (connect(s, (struct sockaddr *)&to, sizeof to) < 0) { perror("connect"); return 2; }

  /* Free identifiers: a ring, taken from the head and given back at the tail. */
  double sent_at[256];
  int ring[256], head = 0, free_ids = 256;
  for (int i = 0; i < 256; i++) { sent_at[i] = -1; ring[i] = i; }

  double *latency = malloc((n ? n : 1) * sizeof *latency);
  long answered = 0, next = 0, accepts = 0, rejects = 0, lost = 0;
  int outstanding = 0;
  double start = now_ms(), swept = start;
  unsigned char answer[4096];
  for (;;) {
    while (outstanding < inflight && next < n && free_ids > 0) {
      int id = ring[head++ & 255];
      free_ids--;
      packet[next][1] = (unsigned char)id;
      sent_at[id] = now_ms();
      outstanding++;
      if (send(s, packet[next], length[next], 0) < 0 && errno != EAGAIN) { perror("send"); return 1; }
      next++;
    }
    if (outstanding == 0 && next >= n) break;
    struct pollfd pf = {.fd = s, .events = POLLIN};
    poll(&pf, 1, 100);
    for (;;) {
      ssize_t got = recv(s, answer, sizeof answer, MSG_DONTWAIT);
      if (got < 20) break;
      int id = answer[1];
      if (sent_at[id] < 0) continue; /* an answer after its timeout */
      latency[answered++] = now_ms() - sent_at[id];
      if (answer[0] == 2) accepts++; else rejects++;
      sent_at[id] = -1;
      ring[(head + free_ids++) & 255] = id;
      outstanding--;
      if (next < n) break; /* send the next request at once */
    }
    double t = now_ms();
    if (t - swept > 100) {
      swept = t;
      for (int id = 0; id < 256; id++) {
        if (sent_at[id] >= 0 && t - sent_at[id] > timeout) {
          lost++;
          sent_at[id] = -1;
          ring[(head + free_ids++) & 255] = id;
          outstanding--;
        }
      }
    }
  }
  double seconds = (now_ms() - start) / 1e3;
  if (argc == 6) {
    FILE *out = fopen(argv[5], "wb");
    if (!out || fwrite(latency, sizeof *latency, answered, out) != (size_t)answered || fclose(out) != 0) {
      perror(argv[5]);
      return 2;
    }
  }
  qsort(latency, answered, sizeof *latency, by_value);
  double p50 = answered ? latency[(long)(answered * 0.5)] : 0;
  long i99 = (long)(answered * 0.99);
  double p99 = answered ? latency[i99 < answered ? i99 : answered - 1] : 0;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
  printf("{\"sent\":%ld,\"accepts\":%ld,\"rejects\":%ld,\"lost\":%ld,\"seconds\":%.6f,\"p50Ms\":%.2f,\"p99Ms\":%.2f,\"cpuSeconds\":%.6f}\n",
         next, accepts, rejects, lost, seconds, p50, p99, cpu);
  return 0;
}
