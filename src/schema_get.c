/* schema_get.c — typed reads of validated JSON, with defaults; count expectations. */
#include "schema.h"

#include <stdio.h>

static json_object *field(json_object *obj, const char *key)
{
	json_object *v = NULL;
	if (!obj || !json_object_object_get_ex(obj, key, &v))
		return NULL;
	return v;
}

const char *wc_schema_str(json_object *obj, const char *key, const char *dflt)
{
	json_object *v = field(obj, key);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : dflt;
}

int64_t wc_schema_int(json_object *obj, const char *key, int64_t dflt)
{
	json_object *v = field(obj, key);
	return v && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : dflt;
}

double wc_schema_num(json_object *obj, const char *key, double dflt)
{
	json_object *v = field(obj, key);
	if (v && (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)))
		return json_object_get_double(v);
	return dflt;
}

bool wc_schema_bool(json_object *obj, const char *key, bool dflt)
{
	json_object *v = field(obj, key);
	return v && json_object_is_type(v, json_type_boolean) ? json_object_get_boolean(v) : dflt;
}

void wc_count_get(json_object *v, struct wc_count *out)
{
	*out = (struct wc_count){0};
	if (!v)
		return;
	if (json_object_is_type(v, json_type_int)) {
		out->has_exact = true;
		out->exact = json_object_get_int64(v);
		return;
	}
	json_object *x;
	if ((x = field(v, "exact"))) {
		out->has_exact = true;
		out->exact = json_object_get_int64(x);
	}
	if ((x = field(v, "min"))) {
		out->has_min = true;
		out->min = json_object_get_int64(x);
	}
	if ((x = field(v, "max"))) {
		out->has_max = true;
		out->max = json_object_get_int64(x);
	}
}

bool wc_count_ok(const struct wc_count *c, int64_t n)
{
	if (c->has_exact && n != c->exact)
		return false;
	if (c->has_min && n < c->min)
		return false;
	if (c->has_max && n > c->max)
		return false;
	return true;
}

const char *wc_count_str(const struct wc_count *c, char *buf, size_t len)
{
	if (c->has_exact)
		snprintf(buf, len, "exactly %lld", (long long)c->exact);
	else if (c->has_min && c->has_max)
		snprintf(buf, len, "between %lld and %lld", (long long)c->min, (long long)c->max);
	else if (c->has_min)
		snprintf(buf, len, "at least %lld", (long long)c->min);
	else if (c->has_max)
		snprintf(buf, len, "at most %lld", (long long)c->max);
	else
		snprintf(buf, len, "any number");
	return buf;
}
