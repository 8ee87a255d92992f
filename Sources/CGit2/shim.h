#include <git2.h>

/* git_libgit2_opts is variadic, which Swift cannot call: one fixed-signature wrapper per option
   stoop sets. */

/* libgit2 re-hashes every object it reads by default; git itself does not, and with thousands of
   revisions sharing large trees the hashing dominated listings. */
static inline int stoop_git_set_strict_hash_verification(int enabled) {
  return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, enabled);
}

/* zlib, which libgit2 itself links: stoop deflates the objects of the packs it writes. deflateInit
   is a macro, which Swift cannot call. */
#include <zlib.h>

static inline int stoop_deflate_init(z_stream *stream, int level) {
  return deflateInit(stream, level);
}
