/* syslog_listen SOCKET FILE: a stand-in syslog daemon for the tests that
 * run where none listens (tests/cli/privacy_root.sh). Binds a datagram
 * socket at SOCKET (mode 0666, so that every login's collab can send),
 * appends each message and a newline to FILE, and removes SOCKET when sent
 * SIGTERM or SIGINT.
 * syslog_listen --probe SOCKET: exit 0 when something takes datagrams at
 * SOCKET, 1 when nothing does. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: syslog_listen SOCKET FILE | --probe SOCKET\n");
        return 2;
    }
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (strlen(argv[2]) >= sizeof sa.sun_path || strlen(argv[1]) >= sizeof sa.sun_path) {
        fprintf(stderr, "syslog_listen: path too long\n");
        return 2;
    }
    if (strcmp(argv[1], "--probe") == 0) {
        strcpy(sa.sun_path, argv[2]);
        int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
        int ok = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
        if (fd >= 0)
            close(fd);
        return ok ? 0 : 1;
    }
    strcpy(sa.sun_path, argv[1]);
    struct sigaction act = { .sa_handler = on_signal };   /* no SA_RESTART */
    sigaction(SIGTERM, &act, NULL);
    sigaction(SIGINT, &act, NULL);
    FILE *out = fopen(argv[2], "a");
    int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    if (!out || fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        chmod(argv[1], 0666) != 0) {
        fprintf(stderr, "syslog_listen: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    /* wake now and then: a signal between the test of stop and recv */
    struct timeval tick = { 0, 200000 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tick, sizeof tick);
    char buf[8192];
    while (!stop) {
        ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
        if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        if (n < 0)
            break;
        fprintf(out, "%.*s\n", (int)n, buf);
        fflush(out);
    }
    unlink(argv[1]);
    fclose(out);
    close(fd);
    return 0;
}
