/* static_socket.c — a statically linked program with socket calls: the preload library
 * cannot enter it, so its run must read as "untraced", not as "made no calls". */
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	return fd >= 0 && close(fd) == 0 ? 0 : 1;
}
