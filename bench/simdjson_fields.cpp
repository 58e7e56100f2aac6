// simdjson_fields.cpp - the reference point: simdjson On-Demand (Debian libsimdjson-dev) extracting the same
// fields as bench_fields.c from the same NDJSON file.
//   simdjson_fields FILE.ndjson [FIELDS.txt] [lines|stream]
// The file is read in 4 MiB chunks (one padded buffer, same I/O as the C methods). "lines" (default): lines are
// split with memchr and each line is iterated with its own On-Demand document. "stream": simdjson's own NDJSON
// path (iterate_many over each chunk's whole lines, 1 MiB batches), shown for reference.
// The fields of fields.txt are compiled into a key tree so each object is walked once, in document order
// (missing keys tolerated, null skipped). The checksum (sum over present fields of 1 + unescaped
// string length) matches bench_fields.c's, so run.sh can verify that both saw the same values.
// Invariant: times the same span as the C methods: from opening the file to the last record processed.
// C++17 on purpose (the rest of the project is C11): this file only exists to measure simdjson.
#include <simdjson.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct node {
    std::string key;
    bool leaf = false;
    std::vector<std::unique_ptr<node>> kids;
};

node *child(node &n, std::string_view k)
{
    for (auto &c : n.kids) {
        if (c->key == k) {
            return c.get();
        }
    }
    n.kids.push_back(std::make_unique<node>());
    n.kids.back()->key = std::string(k);
    return n.kids.back().get();
}

bool load_fields(const char *path, node &root, int &count)
{
    std::ifstream in(path);
    if (!in) {
        return false;
    }
    std::string line;
    while (std::getline(in, line)) {
        line = line.substr(0, line.find_first_of("#\r"));
        while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) {
            line.pop_back();
        }
        if (line.empty()) {
            continue;
        }
        node *n = &root;
        size_t start = 0;
        for (;;) {
            size_t dot = line.find('.', start);
            n = child(*n, std::string_view(line).substr(start, dot == std::string::npos ? std::string::npos : dot - start));
            if (dot == std::string::npos) {
                break;
            }
            start = dot + 1;
        }
        n->leaf = true;
        count++;
    }
    return count > 0;
}

// Walks one object once, descending only into keys of the tree.
uint64_t walk(simdjson::ondemand::object obj, const node &tree)
{
    uint64_t sum = 0;
    for (auto field : obj) {
        std::string_view key;
        if (field.unescaped_key().get(key)) {
            return sum;
        }
        const node *hit = nullptr;
        for (const auto &c : tree.kids) {
            if (c->key == key) {
                hit = c.get();
                break;
            }
        }
        if (!hit) {
            continue;
        }
        simdjson::ondemand::value v = field.value();
        simdjson::ondemand::json_type t;
        if (v.type().get(t)) {
            continue;
        }
        if (hit->leaf) {
            if (t == simdjson::ondemand::json_type::null) {
                continue;
            }
            sum += 1;
            if (t == simdjson::ondemand::json_type::string) {
                std::string_view s;
                if (!v.get_string().get(s)) {
                    sum += s.size();
                }
            }
        } else if (t == simdjson::ondemand::json_type::object) {
            simdjson::ondemand::object sub;
            if (!v.get_object().get(sub)) {
                sum += walk(sub, *hit);
            }
        }
    }
    return sum;
}

// Reads the file in 4 MiB chunks like bench_util.h; hands out blocks of complete lines with padding behind them.
struct reader {
    std::FILE *f = nullptr;
    std::vector<char> buf;
    size_t cap = 4u << 20, len = 0, pos = 0;
    bool eof = false;
    uint64_t bytes = 0;

    bool fill()
    {
        std::memmove(buf.data(), buf.data() + pos, len - pos);
        len -= pos;
        pos = 0;
        if (len == cap) {
            cap *= 2;
        }
        buf.resize(cap + simdjson::SIMDJSON_PADDING);
        size_t got = std::fread(buf.data() + len, 1, cap - len, f);
        len += got;
        bytes += got;
        eof = got == 0;
        return got > 0;
    }
    // The next run of whole lines [p, p + n), or false at the end.
    bool block(const char *&p, size_t &n)
    {
        for (;;) {
            const char *start = buf.data() + pos;
            const void *last = pos < len ? memrchr(start, '\n', len - pos) : nullptr;
            if (last) {
                p = start;
                n = size_t(static_cast<const char *>(last) - start) + 1;
                pos += n;
                return true;
            }
            if (!eof && fill()) {
                continue;
            }
            if (pos < len) {
                p = start;
                n = len - pos;
                pos = len;
                return true;
            }
            return false;
        }
    }
};

struct totals {
    uint64_t events = 0, bad = 0, sum = 0;
};

void run_lines(simdjson::ondemand::parser &parser, const char *p, size_t n, size_t room, const node &tree, totals &t)
{
    const char *end = p + n;
    while (p < end) {
        const char *nl = static_cast<const char *>(std::memchr(p, '\n', size_t(end - p)));
        const char *le = nl ? nl : end;
        size_t len = size_t(le - p);
        if (len > 0) {
            // The rest of the chunk plus simdjson's padding is readable after the line.
            simdjson::ondemand::document doc;
            simdjson::ondemand::object obj;
            if (parser.iterate(p, len, room).get(doc) || doc.get_object().get(obj)) {
                t.bad++;
            } else {
                t.sum += walk(obj, tree);
                t.events++;
            }
        }
        room -= size_t(le + 1 - p);
        p = le + 1;
    }
}

void run_stream(simdjson::ondemand::parser &parser, const char *p, size_t n, const node &tree, totals &t)
{
    simdjson::ondemand::document_stream docs;
    if (parser.iterate_many(p, n, 1 << 20).get(docs)) {
        t.bad++;
        return;
    }
    for (auto doc : docs) {
        simdjson::ondemand::object obj;
        if (doc.get_object().get(obj)) {
            t.bad++;
            continue;
        }
        t.sum += walk(obj, tree);
        t.events++;
    }
}

}  // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: simdjson_fields FILE.ndjson [FIELDS.txt]\n");
        return 2;
    }
    const char *fpath = argc > 2 ? argv[2] : "bench/fields.txt";
    bool stream = argc > 3 && std::strcmp(argv[3], "stream") == 0;
    node tree;
    int nfields = 0;
    if (!load_fields(fpath, tree, nfields)) {
        std::fprintf(stderr, "simdjson_fields: cannot read field list %s\n", fpath);
        return 2;
    }
    auto t0 = std::chrono::steady_clock::now();
    reader rd;
    rd.f = std::fopen(argv[1], "rb");
    if (!rd.f) {
        std::perror(argv[1]);
        return 1;
    }
    simdjson::ondemand::parser parser;
    totals t;
    const char *p;
    size_t n;
    while (rd.block(p, n)) {
        size_t room = rd.buf.size() - size_t(p - rd.buf.data());
        if (stream) {
            run_stream(parser, p, n, tree, t);
        } else {
            run_lines(parser, p, n, room, tree, t);
        }
    }
    std::fclose(rd.f);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (t.bad) {
        std::fprintf(stderr, "simdjson_fields: %llu lines failed\n", (unsigned long long)t.bad);
    }
    std::fprintf(stderr, "simdjson-%s: %llu events, %llu bytes, %.3f s, %.1f MB/s, checksum %llu (%d fields, %s)\n",
                 stream ? "stream" : "lines", (unsigned long long)t.events, (unsigned long long)rd.bytes, secs,
                 secs > 0 ? double(rd.bytes) / secs / 1e6 : 0.0, (unsigned long long)t.sum, nfields,
                 simdjson::get_active_implementation()->name().c_str());
    std::printf("%.0f\n", secs > 0 ? double(t.events) / secs : 0.0);
    return t.bad ? 1 : 0;
}
