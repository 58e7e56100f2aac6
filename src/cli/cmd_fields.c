/* cmd_fields.c - `trailhound fields [--source aws_cloudtrail|k8s_audit] [--json] [--all]`: lists every field of
 * the registry with its type, argument and description, as a table or as a JSON array.
 * Invariant: everything printed comes from the registry (th_field.h); hidden fields only with --all. */
#include <stdio.h>
#include <string.h>

#include "th_buf.h"
#include "th_cli.h"
#include "th_field.h"

struct fields_opts {
    enum th_srckind src;
    int json;
    int all;
};

static void usage(FILE *f)
{
    fprintf(f, "usage: trailhound fields [--source aws_cloudtrail|k8s_audit] [--json] [--all]\n\n"
               "Lists the fields rules and outputs can use.\n"
               "  --source S   only fields of source S (aws_cloudtrail or k8s_audit)\n"
               "  --json       print a JSON array of objects instead of a table\n"
               "  --all        include hidden fields\n");
}

static const char *type_text(const struct th_field_def *d)
{
    return d->type == TH_FT_STRLIST ? "string (list)" : th_ftype_name(d->type);
}

static const char *arg_text(const struct th_field_def *d)
{
    unsigned f = d->flags;
    if (f & TH_FF_ARG_INDEX) {
        return (f & TH_FF_ARG_REQUIRED) ? "Index, Required" : "Index";
    }
    if (f & TH_FF_ARG_KEY) {
        return (f & TH_FF_ARG_REQUIRED) ? "Key, Required" : "Key";
    }
    return "None";
}

static const char *source_text(const struct th_field_def *d)
{
    if ((d->sources & TH_SRC_ALL) == TH_SRC_ALL) {
        return "all";
    }
    if (d->sources & TH_SRC_MASK(TH_SRC_CLOUDTRAIL)) {
        return th_srckind_name(TH_SRC_CLOUDTRAIL);
    }
    return th_srckind_name(TH_SRC_K8S_AUDIT);
}

static int selected(const struct th_field_def *d, const struct fields_opts *o)
{
    if ((d->flags & TH_FF_HIDDEN) && !o->all) {
        return 0;
    }
    return o->src == TH_SRC_UNKNOWN || (d->sources & TH_SRC_MASK(o->src));
}

static int parse_args(int argc, char **argv, struct fields_opts *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--json")) {
            o->json = 1;
        } else if (!strcmp(a, "--all")) {
            o->all = 1;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 1;
        } else if (!strcmp(a, "--source") || !strncmp(a, "--source=", 9)) {
            const char *v = a[8] == '=' ? a + 9 : (i + 1 < argc ? argv[++i] : NULL);
            o->src = v ? th_srckind_parse(v, strlen(v)) : TH_SRC_UNKNOWN;
            if (o->src == TH_SRC_UNKNOWN) {
                fprintf(stderr, "trailhound fields: --source needs aws_cloudtrail or k8s_audit%s%s\n",
                        v ? ", not " : "", v ? v : "");
                return -1;
            }
        } else {
            fprintf(stderr, "trailhound fields: unknown option '%s'\n", a);
            usage(stderr);
            return -1;
        }
    }
    return 0;
}

static void json_str(struct th_buf *b, const char *key, const char *val)
{
    th_buf_json_member(b, key, val);
}

static void json_field(struct th_buf *b, const struct th_field_def *d)
{
    unsigned f = d->flags;
    const char *arg = (f & TH_FF_ARG_INDEX) ? "index" : (f & TH_FF_ARG_KEY) ? "key" : NULL;
    th_buf_putc(b, '{');
    json_str(b, "name", d->name);
    th_buf_putc(b, ',');
    json_str(b, "type", d->type == TH_FT_STRLIST ? "string" : th_ftype_name(d->type));
    th_buf_printf(b, ",\"list\":%s,", d->type == TH_FT_STRLIST ? "true" : "false");
    json_str(b, "arg", arg);
    th_buf_printf(b, ",\"arg_required\":%s,\"sources\":[", (f & TH_FF_ARG_REQUIRED) ? "true" : "false");
    int first = 1;
    for (int k = TH_SRC_CLOUDTRAIL; k <= TH_SRC_K8S_AUDIT; k++) {
        if (d->sources & TH_SRC_MASK(k)) {
            th_buf_printf(b, "%s\"%s\"", first ? "" : ",", th_srckind_name((enum th_srckind)k));
            first = 0;
        }
    }
    th_buf_printf(b, "],\"hidden\":%s,\"deprecated\":%s,\"extension\":%s,", (f & TH_FF_HIDDEN) ? "true" : "false",
                  (f & TH_FF_DEPRECATED) ? "true" : "false", (f & TH_FF_TRAILHOUND) ? "true" : "false");
    json_str(b, "display", d->display);
    th_buf_putc(b, ',');
    json_str(b, "desc", d->desc);
    th_buf_putc(b, '}');
}

static void print_json(const struct fields_opts *o)
{
    struct th_buf b;
    size_t n = th_field_count(), shown = 0;
    th_buf_init(&b);
    th_buf_putc(&b, '[');
    for (size_t i = 0; i < n; i++) {
        const struct th_field_def *d = th_field_by_id((uint16_t)i);
        if (!selected(d, o)) {
            continue;
        }
        th_buf_puts(&b, shown++ ? ",\n " : "\n ");
        json_field(&b, d);
    }
    th_buf_puts(&b, "\n]\n");
    fwrite(b.data, 1, b.len, stdout);
    th_buf_free(&b);
}

static void print_table(const struct fields_opts *o)
{
    size_t n = th_field_count(), wname = 5, shown = 0;
    for (size_t i = 0; i < n; i++) {
        const struct th_field_def *d = th_field_by_id((uint16_t)i);
        if (selected(d, o) && strlen(d->name) > wname) {
            wname = strlen(d->name);
        }
    }
    printf("%-*s  %-13s  %-15s  %-14s  %s\n", (int)wname, "FIELD", "TYPE", "ARG", "SOURCE", "DESCRIPTION");
    for (size_t i = 0; i < n; i++) {
        const struct th_field_def *d = th_field_by_id((uint16_t)i);
        if (!selected(d, o)) {
            continue;
        }
        const char *mark = (d->flags & TH_FF_HIDDEN) ? "(hidden) " : (d->flags & TH_FF_DEPRECATED) ? "(deprecated) " : "";
        printf("%-*s  %-13s  %-15s  %-14s  %s%s\n", (int)wname, d->name, type_text(d), arg_text(d), source_text(d),
               mark, d->desc);
        shown++;
    }
    printf("\n%zu fields\n", shown);
}

int th_cmd_fields(int argc, char **argv)
{
    struct fields_opts o;
    int r = parse_args(argc, argv, &o);
    if (r) {
        return r > 0 ? TH_EXIT_OK : TH_EXIT_USAGE;
    }
    if (o.json) {
        print_json(&o);
    } else {
        print_table(&o);
    }
    return TH_EXIT_OK;
}
