/* faults_match.c — a small, safe pcap-filter subset translated into nftables expressions. */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "faults.h"
#include "faults_internal.h"

#define MAX_WORDS 24
#define WORDS_HELP "ip, ip6, tcp, udp, icmp, icmp6, [src|dst] port N, [src|dst] host ADDRESS, joined by \"and\""

/* One term's translation: one piece, or two for either direction. */
struct piece {
	size_t n;
	char text[2][WC_MATCH_ALT_SIZE / 2];
};

static const struct {
	const char *word;
	const char *nft;
} protocols[] = {
	{"ip", "ether type ip"},
	{"ip6", "ether type ip6"},
	{"tcp", "meta l4proto tcp"},
	{"udp", "meta l4proto udp"},
	{"icmp", "meta l4proto icmp"},
	{"icmp6", "meta l4proto ipv6-icmp"},
};

/* Our own words only reach nftables: a port is re-printed from its number, an address from
 * its binary form, so nothing the scenario wrote is passed through as text. */
static int port_piece(const char *dir, const char *arg, const char *match, struct piece *p, char *errbuf)
{
	char *end;
	long port = strtol(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end != '\0' || port < 1 || port > 65535)
		return wc_err(errbuf, "match \"%s\": port must be a number from 1 to 65535, got \"%s\"", match, arg);
	const char *dirs[2] = {"sport", "dport"};
	size_t first = dir && strcmp(dir, "dst") == 0 ? 1 : 0;
	p->n = dir ? 1 : 2;
	for (size_t i = 0; i < p->n; i++)
		snprintf(p->text[i], sizeof p->text[i], "meta l4proto { tcp, udp } th %s %ld", dirs[first + i], port);
	return 0;
}

static int host_piece(const char *dir, const char *arg, const char *match, struct piece *p, char *errbuf)
{
	unsigned char addr[16];
	char text[INET6_ADDRSTRLEN];
	const char *family;
	if (inet_pton(AF_INET, arg, addr) == 1) {
		family = "ip";
		inet_ntop(AF_INET, addr, text, sizeof text);
	} else if (inet_pton(AF_INET6, arg, addr) == 1) {
		family = "ip6";
		inet_ntop(AF_INET6, addr, text, sizeof text);
	} else {
		return wc_err(errbuf, "match \"%s\": host must be an IPv4 or IPv6 address, got \"%s\"", match, arg);
	}
	const char *dirs[2] = {"saddr", "daddr"};
	size_t first = dir && strcmp(dir, "dst") == 0 ? 1 : 0;
	p->n = dir ? 1 : 2;
	for (size_t i = 0; i < p->n; i++)
		snprintf(p->text[i], sizeof p->text[i], "%s %s %s", family, dirs[first + i], text);
	return 0;
}

/* Reads one term starting at words[*i]; advances *i past it. */
static int term_piece(char **words, size_t nwords, size_t *i, const char *match, struct piece *p, char *errbuf)
{
	const char *w = words[*i];
	for (size_t k = 0; k < sizeof protocols / sizeof protocols[0]; k++)
		if (strcmp(w, protocols[k].word) == 0) {
			p->n = 1;
			snprintf(p->text[0], sizeof p->text[0], "%s", protocols[k].nft);
			(*i)++;
			return 0;
		}
	const char *dir = NULL;
	if (strcmp(w, "src") == 0 || strcmp(w, "dst") == 0) {
		dir = w;
		if (++*i >= nwords)
			return wc_err(errbuf, "match \"%s\": \"%s\" must be followed by port or host", match, dir);
		w = words[*i];
	}
	bool port = strcmp(w, "port") == 0;
	if (!port && strcmp(w, "host") != 0)
		return wc_err(errbuf, "match \"%s\": unknown word \"%s\"; allowed: %s", match, w, WORDS_HELP);
	if (++*i >= nwords)
		return wc_err(errbuf, "match \"%s\": \"%s\" needs a value", match, w);
	const char *arg = words[(*i)++];
	return port ? port_piece(dir, arg, match, p, errbuf) : host_piece(dir, arg, match, p, errbuf);
}

/* Multiplies the alternatives so far by a term's pieces: (a|b) and (c|d) = ac|ad|bc|bd. */
static int combine(struct wc_match_alts *out, const struct piece *p, const char *match, char *errbuf)
{
	if (out->n * p->n > WC_MATCH_MAX_ALTS)
		return wc_err(errbuf, "match \"%s\": too many either-direction port/host terms (say src or dst)",
		              match);
	struct wc_match_alts prev = *out;
	out->n = 0;
	for (size_t a = 0; a < prev.n; a++)
		for (size_t b = 0; b < p->n; b++) {
			int len = snprintf(out->alt[out->n], WC_MATCH_ALT_SIZE, "%s%s%s", prev.alt[a],
			                   prev.alt[a][0] ? " " : "", p->text[b]);
			if (len < 0 || len >= WC_MATCH_ALT_SIZE)
				return wc_err(errbuf, "match \"%s\": too long", match);
			out->n++;
		}
	return 0;
}

int wc_faults_match_compile(const char *match, struct wc_match_alts *out, char *errbuf)
{
	memset(out, 0, sizeof *out);
	out->n = 1;
	if (!match) {
		snprintf(out->alt[0], WC_MATCH_ALT_SIZE, "ether type { ip, ip6 }");
		return 0;
	}
	char copy[WC_MATCH_ALT_SIZE];
	if (strlen(match) >= sizeof copy)
		return wc_err(errbuf, "match \"%.40s...\": longer than %zu characters", match, sizeof copy - 1);
	strcpy(copy, match);
	char *words[MAX_WORDS], *save = NULL;
	size_t nwords = 0;
	for (char *w = strtok_r(copy, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
		if (nwords == MAX_WORDS)
			return wc_err(errbuf, "match \"%s\": more than %d words", match, MAX_WORDS);
		words[nwords++] = w;
	}
	if (nwords == 0)
		return wc_err(errbuf, "match is empty; leave it out to match every IP packet");
	size_t i = 0;
	for (;;) {
		struct piece p;
		if (term_piece(words, nwords, &i, match, &p, errbuf) != 0 || combine(out, &p, match, errbuf) != 0)
			return -1;
		if (i == nwords)
			return 0;
		if (strcmp(words[i], "and") != 0 && strcmp(words[i], "&&") != 0)
			return wc_err(errbuf, "match \"%s\": expected \"and\" before \"%s\"; allowed: %s", match,
			              words[i], WORDS_HELP);
		if (++i == nwords)
			return wc_err(errbuf, "match \"%s\": ends with \"and\"", match);
	}
}

int wc_faults_match_valid(const char *match, char *errbuf)
{
	struct wc_match_alts alts;
	return wc_faults_match_compile(match, &alts, errbuf);
}
