/*
 * A user-space network link for the WAN benchmark (bench/wan.ts): this kernel has no sch_netem, so
 * delay, random loss and a rate limit are applied here. It creates one TUN device per host
 * (`name,address,delay_ms,loss,rate_mbit,queue_bytes`), which the caller moves into that host's
 * network namespace, and forwards IPv4 packets between them by destination address. A packet from X
 * to Y is lost with probability 1 - (1 - loss_X)(1 - loss_Y), waits in Y's queue (tail drop beyond
 * queue_bytes) to be sent at Y's rate, then arrives delay_X + delay_Y ms later. Prints "ready" once
 * the devices exist; runs until killed.
 *
 * Build: gcc -O2 -o link link.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define MAX_HOSTS 8
#define MAX_PACKET 65536
#define QUEUE_SLOTS 65536

typedef struct {
  char name[IFNAMSIZ];
  uint32_t address;
  double delay_s, loss, rate_bps;
  long queue_bytes;
  int fd;
  double free_at; /* when the host's link is free to send the next packet */
  long queued;    /* bytes waiting for the link */
  /* Packets in the queue, oldest first (when each leaves it, and its size): a ring. */
  double leaves[QUEUE_SLOTS];
  int sizes[QUEUE_SLOTS], head, count;
} host_t;

typedef struct {
  double at; /* when it is delivered */
  int to, len;
  unsigned char *data;
} packet_t;

static host_t hosts[MAX_HOSTS];
static int host_count;
static packet_t *heap;
static int heap_size, heap_cap;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void heap_push(packet_t p) {
  if (heap_size == heap_cap) {
    heap_cap = heap_cap ? heap_cap * 2 : 1024;
    heap = realloc(heap, heap_cap * sizeof *heap);
    if (!heap) abort();
  }
  int i = heap_size++;
  while (i > 0 && heap[(i - 1) / 2].at > p.at) {
    heap[i] = heap[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  heap[i] = p;
}

static packet_t heap_pop(void) {
  packet_t top = heap[0], last = heap[--heap_size];
  int i = 0;
  for (;;) {
    int child = 2 * i + 1;
    if (child >= heap_size) break;
    if (child + 1 < heap_size && heap[child + 1].at < heap[child].at) child++;
    if (heap[child].at >= last.at) break;
    heap[i] = heap[child];
    i = child;
  }
  if (heap_size > 0) heap[i] = last;
  return top;
}

static int open_tun(const char *name) {
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK);
  if (fd < 0) return -1;
  struct ifreq ifr = {0};
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) return -1;
  return fd;
}

static int host_of(uint32_t address) {
  for (int i = 0; i < host_count; i++)
    if (hosts[i].address == address) return i;
  return -1;
}

static void forward(int from, unsigned char *data, int len, double now) {
  if (len < 20 || (data[0] >> 4) != 4) return; /* IPv4 only */
  uint32_t destination;
  memcpy(&destination, data + 16, 4);
  int to = host_of(destination);
  if (to < 0 || to == from) return;
  host_t *src = &hosts[from], *dst = &hosts[to];
  double keep = (1 - src->loss) * (1 - dst->loss);
  if (drand48() >= keep) return;
  /* What has left the queue by now no longer counts against it. */
  while (dst->count > 0 && dst->leaves[dst->head] <= now) {
    dst->queued -= dst->sizes[dst->head];
    dst->head = (dst->head + 1) % QUEUE_SLOTS;
    dst->count--;
  }
  if ((dst->queue_bytes > 0 && dst->queued + len > dst->queue_bytes) || dst->count == QUEUE_SLOTS) return;
  double start = dst->free_at > now ? dst->free_at : now;
  double sent = dst->rate_bps > 0 ? start + len * 8.0 / dst->rate_bps : start;
  dst->free_at = sent;
  int tail = (dst->head + dst->count++) % QUEUE_SLOTS;
  dst->leaves[tail] = sent;
  dst->sizes[tail] = len;
  dst->queued += len;
  packet_t p = {sent + src->delay_s + dst->delay_s, to, len, malloc(len)};
  if (!p.data) abort();
  memcpy(p.data, data, len);
  heap_push(p);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s name,address,delay_ms,loss,rate_mbit,queue_bytes ...\n", argv[0]);
    return 2;
  }
  srand48(getpid() ^ (long)now_s());
  for (int i = 1; i < argc && host_count < MAX_HOSTS; i++) {
    host_t *h = &hosts[host_count];
    char address[64];
    double delay_ms, rate_mbit;
    if (sscanf(argv[i], "%15[^,],%63[^,],%lf,%lf,%lf,%ld", h->name, address, &delay_ms, &h->loss, &rate_mbit,
               &h->queue_bytes) != 6 ||
        inet_pton(AF_INET, address, &h->address) != 1) {
      fprintf(stderr, "bad host: %s\n", argv[i]);
      return 2;
    }
    h->delay_s = delay_ms / 1000;
    h->rate_bps = rate_mbit * 1e6;
    h->fd = open_tun(h->name);
    if (h->fd < 0) {
      perror(h->name);
      return 1;
    }
    host_count++;
  }
  printf("ready\n");
  fflush(stdout);

  struct pollfd fds[MAX_HOSTS];
  static unsigned char buffer[MAX_PACKET];
  for (;;) {
    double now = now_s();
    while (heap_size > 0 && heap[0].at <= now) {
      packet_t p = heap_pop();
      (void)!write(hosts[p.to].fd, p.data, p.len);
      free(p.data);
    }
    for (int i = 0; i < host_count; i++) fds[i] = (struct pollfd){.fd = hosts[i].fd, .events = POLLIN};
    struct timespec wait = {1, 0};
    if (heap_size > 0) {
      double left = heap[0].at - now;
      if (left < 0) left = 0;
      wait.tv_sec = (time_t)left;
      wait.tv_nsec = (long)((left - wait.tv_sec) * 1e9);
    }
    if (ppoll(fds, host_count, &wait, NULL) <= 0) continue;
    now = now_s();
    for (int i = 0; i < host_count; i++) {
      if (!(fds[i].revents & POLLIN)) continue;
      for (int n = 0; n < 64; n++) {
        int len = read(hosts[i].fd, buffer, sizeof buffer);
        if (len <= 0) break;
        forward(i, buffer, len, now);
      }
    }
  }
}
