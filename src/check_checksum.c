/* check_checksum.c — checksum: outcomes counted per protocol, the exact value of one
 * datagram's checksum, and "real checksums required" (none left partial by offload). */
#include "checks_net.h"

#include <stdio.h>
#include <string.h>

#include "checksum.h"
#include "stats.h"

static const char *const proto_values[] = {"ipv4", "tcp", "udp", "icmp", "icmpv6", NULL};
static const char *const outcome_values[] = {"ok", "bad", "zero", "partial", "unverifiable", NULL};

static const struct wc_field args[] = {
	{.key = "protocol", .type = WC_F_STRING, .default_text = "udp (tcp and udp for real)", .enum_values = proto_values,
	 .doc = "whose checksums: ipv4 (header), tcp, udp, icmp, icmpv6", .example = "\"udp\""},
	{.key = "outcome", .type = WC_F_STRING, .default_text = "ok", .enum_values = outcome_values,
	 .doc = "which outcome count counts: ok, bad, zero (UDP checksum disabled), partial (transmit "
	 "offload), unverifiable (snaplen cut)", .example = "\"bad\""},
	{.key = "count", .type = WC_F_COUNT, .min = 0, .max = WC_NO_LIMIT,
	 .doc = "how many packets of protocol have that outcome", .example = "0"},
	{.key = "payload", .type = WC_F_STRING, .min = 0, .max = 2048,
	 .doc = "select the first UDP datagram carrying exactly this text", .example = "\"ABCDE\""},
	{.key = "frame", .type = WC_F_INT, .min = 1, .max = WC_NO_LIMIT,
	 .doc = "select the TCP or UDP packet in this frame", .example = "3"},
	{.key = "value", .type = WC_F_INT, .min = 0, .max = 65535,
	 .doc = "the selected packet's checksum field holds this value (JSON has no hex: 0x553a is 21818)", .example = "21818"},
	{.key = "expect_computed", .type = WC_F_BOOL, .default_text = "false",
	 .doc = "the selected packet's checksum field equals the one computed over pseudo-header, "
	 "header and payload", .example = "true"},
	{.key = "real", .type = WC_F_BOOL, .default_text = "false",
	 .doc = "real checksums required: fails when transmit offload left only partial ones", .example = "true"},
	{.key = NULL},
};

static const char *const offload_advice =
	"the sending interface fills the checksum in after the capture point (transmit checksum "
	"offload; on lo the kernel never fills it in), so the capture holds only the pseudo-header "
	"sum. Turn offload off on the sender's interface with `ethtool -K IF tx off`, or use the "
	"veth topology with \"offload\": false";

static int layer_of(const char *name)
{
	for (int l = 0; l < WC_CK__COUNT; l++)
		if (strcmp(wc_csum_layer_name((enum wc_csum_layer)l), name) == 0)
			return l;
	return WC_CK_UDP;
}

static int outcome_of(const char *name)
{
	for (int o = 0; o < WC_CSUM__COUNT; o++)
		if (strcmp(wc_csum_name((enum wc_csum)o), name) == 0)
			return o;
	return WC_CSUM_OK;
}

/* The outcome of the given layer's checksum in a frame; NONE when it has no such layer. */
static enum wc_csum outcome_in(const struct wc_frame_rec *f, int layer)
{
	switch (layer) {
	case WC_CK_IPV4: return f->net == WC_NET_IPV4 ? f->ip_csum : WC_CSUM_NONE;
	case WC_CK_TCP: return f->l4 == WC_L4_TCP ? f->l4_csum : WC_CSUM_NONE;
	case WC_CK_UDP: return f->l4 == WC_L4_UDP ? f->l4_csum : WC_CSUM_NONE;
	case WC_CK_ICMP: return f->l4 == WC_L4_ICMP ? f->l4_csum : WC_CSUM_NONE;
	case WC_CK_ICMPV6: return f->l4 == WC_L4_ICMPV6 ? f->l4_csum : WC_CSUM_NONE;
	default: return WC_CSUM_NONE;
	}
}

static const char *layer_words(int layer)
{
	static const char *const w[] = {"IPv4 header", "TCP", "UDP", "ICMP", "ICMPv6"};
	return layer >= 0 && layer < WC_CK__COUNT ? w[layer] : "";
}

static bool check_real(const struct wc_view *v, json_object *a, struct wc_result *r, char *pass, size_t plen)
{
	if (!wc_schema_bool(a, "real", false))
		return true;
	const char *p = wc_schema_str(a, "protocol", NULL);
	int only = p ? layer_of(p) : -1;
	uint64_t partial[WC_MAX_EVIDENCE];
	size_t np = 0, real = 0;
	for (size_t i = 0; i < v->frame_count; i++)
		for (int l = 0; l < WC_CK__COUNT; l++) {
			if (only >= 0 ? l != only : l != WC_CK_TCP && l != WC_CK_UDP)
				continue;
			enum wc_csum o = outcome_in(&v->frames[i], l);
			if (o == WC_CSUM_PARTIAL && np++ < WC_MAX_EVIDENCE)
				partial[np - 1] = v->frames[i].number;
			real += o == WC_CSUM_OK || o == WC_CSUM_BAD || o == WC_CSUM_ZERO;
		}
	const char *what = only >= 0 ? layer_words(only) : "TCP and UDP";
	char fl[160];
	if (np) {
		r->verdict = WC_FAIL;
		for (size_t i = 0; i < np && i < WC_MAX_EVIDENCE; i++)
			wc_result_frame(r, partial[i]);
		wc_result_reason(r, "%zu of the %zu %s checksums captured are partial (frame%s %s): %s", np, np + real, what,
		                 np == 1 ? "" : "s", wc_net_list(fl, sizeof fl, partial, np < WC_MAX_EVIDENCE ? np : WC_MAX_EVIDENCE),
		                 offload_advice);
		return false;
	}
	if (real == 0) {
		r->verdict = WC_INCONCLUSIVE;
		wc_result_reason(r, "the capture holds no %s checksum that could be verified", what);
		return false;
	}
	wc_net_cat(pass, plen, "%sall %zu %s checksums are real", pass[0] ? "; " : "", real, what);
	return true;
}

static bool check_count(const struct wc_view *v, json_object *a, struct wc_result *r, char *pass, size_t plen)
{
	json_object *c = NULL;
	if (!json_object_object_get_ex(a, "count", &c))
		return true;
	int layer = layer_of(wc_schema_str(a, "protocol", "udp"));
	enum wc_csum outcome = (enum wc_csum)outcome_of(wc_schema_str(a, "outcome", "ok"));
	struct wc_count want;
	wc_count_get(c, &want);
	uint64_t fr[WC_MAX_EVIDENCE];
	size_t n = 0;
	for (size_t i = 0; i < v->frame_count; i++)
		if (outcome_in(&v->frames[i], layer) == outcome && n++ < WC_MAX_EVIDENCE)
			fr[n - 1] = v->frames[i].number;
	size_t shown = n < WC_MAX_EVIDENCE ? n : WC_MAX_EVIDENCE;
	char ws[64], fl[160];
	wc_count_str(&want, ws, sizeof ws);
	wc_net_list(fl, sizeof fl, fr, shown);
	bool ok = wc_count_ok(&want, (int64_t)n);
	for (size_t i = 0; i < shown; i++)
		wc_result_frame(r, fr[i]);
	char said[200];
	snprintf(said, sizeof said, "%zu %s checksum%s %s %s", n, layer_words(layer), n == 1 ? "" : "s",
	         n == 1 ? "is" : "are", wc_csum_name(outcome));
	if (n)
		wc_net_cat(said, sizeof said, " (frame%s %s)", n == 1 ? "" : "s", fl);
	if (!ok) {
		r->verdict = WC_FAIL;
		wc_result_reason(r, "%s, expected %s", said, ws);
		return false;
	}
	wc_net_cat(pass, plen, "%s%s, as expected (%s)", pass[0] ? "; " : "", said, ws);
	return true;
}

/* The selected packet: by payload text (the first UDP datagram carrying exactly it) or by
 * frame number. NULL with the result made INCONCLUSIVE when nothing matches. */
static const struct wc_frame_rec *selected(const struct wc_view *v, json_object *a, struct wc_result *r)
{
	const char *text = wc_schema_str(a, "payload", NULL);
	int64_t frame = wc_schema_int(a, "frame", 0);
	if (frame) {
		const struct wc_frame_rec *f = wc_view_frame(v, (uint64_t)frame);
		if (f && (f->l4 == WC_L4_UDP || f->l4 == WC_L4_TCP))
			return f;
		r->verdict = WC_INCONCLUSIVE;
		wc_result_reason(r, "frame %lld is not a TCP or UDP packet of this capture", (long long)frame);
		return NULL;
	}
	size_t len = strlen(text);
	uint64_t digest = wc_net_digest(text, len);
	const struct wc_datagram *best = NULL;
	for (size_t i = 0; i < v->udp_count; i++)
		for (size_t j = 0; j < v->udp[i].list_count; j++) {
			const struct wc_datagram *d = &v->udp[i].list[j];
			if (d->len == len && d->digest == digest && (!best || d->frame < best->frame))
				best = d;
		}
	if (best)
		return wc_view_frame(v, best->frame);
	r->verdict = WC_INCONCLUSIVE;
	wc_result_reason(r, "no UDP datagram in the capture carries \"%s\"", text);
	return NULL;
}

/* What wc_csum_transport gives for a UDP datagram carrying text between f's endpoints. */
static uint16_t computed_udp(const struct wc_frame_rec *f, const char *text)
{
	uint8_t seg[8 + 2048];
	size_t n = strlen(text), len = 8 + n;
	seg[0] = (uint8_t)(f->sport >> 8);
	seg[1] = (uint8_t)f->sport;
	seg[2] = (uint8_t)(f->dport >> 8);
	seg[3] = (uint8_t)f->dport;
	seg[4] = (uint8_t)(len >> 8);
	seg[5] = (uint8_t)len;
	seg[6] = seg[7] = 0;
	memcpy(seg + 8, text, n);
	return wc_csum_transport(&f->src, &f->dst, 17, seg, len, 6);
}

static bool check_selected(const struct wc_view *v, json_object *a, struct wc_result *r, char *pass, size_t plen)
{
	const char *text = wc_schema_str(a, "payload", NULL);
	bool want_computed = wc_schema_bool(a, "expect_computed", false);
	int64_t value = wc_schema_int(a, "value", -1);
	if (!text && !wc_schema_int(a, "frame", 0))
		return true;
	const struct wc_frame_rec *f = selected(v, a, r);
	if (!f)
		return false;
	wc_result_frame(r, f->number);
	/* the exact sum is known when the datagram's bytes are: UDP chosen by its text,
	 * or any packet whose stored checksum verified */
	bool known = (text && f->l4 == WC_L4_UDP && strlen(text) <= 2048) || f->l4_csum == WC_CSUM_OK;
	uint16_t computed = f->l4_csum == WC_CSUM_OK ? f->l4_csum_value : known ? computed_udp(f, text) : 0;
	char who[2200];
	snprintf(who, sizeof who, "the %s checksum of frame %llu", wc_net_l4_name(f->l4), (unsigned long long)f->number);
	if (text)
		wc_net_cat(who, sizeof who, " (\"%s\")", text);
	if (value >= 0 && f->l4_csum_value != value) {
		r->verdict = WC_FAIL;
		wc_result_reason(r, "%s is 0x%04x, expected 0x%04x", who, f->l4_csum_value, (unsigned)value);
		if (f->l4_csum == WC_CSUM_PARTIAL)
			wc_net_cat(r->reason, sizeof r->reason, " (only the partial sum left by transmit offload%s",
			           known ? ": the full checksum would be " : ")");
		if (f->l4_csum == WC_CSUM_PARTIAL && known)
			wc_net_cat(r->reason, sizeof r->reason, "0x%04x)", computed);
		return false;
	}
	if (want_computed && f->l4_csum != WC_CSUM_OK) {
		switch (f->l4_csum) {
		case WC_CSUM_PARTIAL:
			r->verdict = WC_INCONCLUSIVE;
			wc_result_reason(r, "%s holds 0x%04x, only the partial sum: %s", who, f->l4_csum_value, offload_advice);
			break;
		case WC_CSUM_UNVERIFIABLE:
			r->verdict = WC_INCONCLUSIVE;
			wc_result_reason(r, "the snapshot length cut frame %llu, so its checksum cannot be computed",
			                 (unsigned long long)f->number);
			break;
		case WC_CSUM_ZERO:
			r->verdict = WC_FAIL;
			wc_result_reason(r, "%s is 0: the sender disabled the UDP checksum", who);
			break;
		default:
			r->verdict = WC_FAIL;
			wc_result_reason(r, "%s is 0x%04x, but the checksum computed over pseudo-header, header and "
			                 "payload is ", who, f->l4_csum_value);
			if (known)
				wc_net_cat(r->reason, sizeof r->reason, "0x%04x", computed);
			else
				wc_net_cat(r->reason, sizeof r->reason, "different");
			break;
		}
		return false;
	}
	wc_net_cat(pass, plen, "%s%s is 0x%04x", pass[0] ? "; " : "", who, f->l4_csum_value);
	if (want_computed)
		wc_net_cat(pass, plen, ", the value computed over pseudo-header, header and payload");
	return true;
}

static void run(const struct wc_check_ctx *ctx, json_object *a, struct wc_result *r)
{
	const struct wc_view *v = wc_net_view(ctx, a, r);
	if (!v)
		return;
	char pass[sizeof r->reason] = "";
	if (check_selected(v, a, r, pass, sizeof pass) && check_count(v, a, r, pass, sizeof pass) &&
	    check_real(v, a, r, pass, sizeof pass)) {
		r->verdict = WC_PASS;
		wc_result_reason(r, "%s", pass[0] ? pass : "nothing was asked of the checksums");
	}
	wc_result_filter_frames(r);
}

const struct wc_check_def wc_check_checksum = {
	.name = "checksum",
	.summary = "checksums: outcomes counted per protocol, the exact value of one datagram's "
	           "checksum, real checksums required (not left partial by transmit offload)",
	.args = args,
	.example = "{\"check\": \"checksum\", \"payload\": \"ABCDE\", \"expect_computed\": true, \"real\": true}",
	.run = run,
};
