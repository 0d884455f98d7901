// The system's zlib (Debian's zlib1g-dev), for unpacking gzip-encoded scrape answers.
#ifndef HMS_OPS_CZLIB_H
#define HMS_OPS_CZLIB_H

#include <zlib.h>

// inflateInit2 is a macro (it passes the header's version and the stream's size): a function
// Swift can call. 16 + MAX_WBITS: a gzip member, with its header and checksum checked.
static inline int hms_inflate_init_gzip(z_streamp stream) {
    return inflateInit2(stream, 16 + MAX_WBITS);
}

#endif
