#include "core/sha256.hpp"

#include <algorithm>
#include <cstring>

namespace netconv {
namespace {

constexpr std::uint32_t kRound[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

inline std::uint32_t rotr(std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

void compress(std::uint32_t h[8], const std::uint8_t* block) {
  std::uint32_t w[64];
  for (int i = 0; i < 16; ++i)
    w[i] = (std::uint32_t(block[4 * i]) << 24) | (std::uint32_t(block[4 * i + 1]) << 16) |
           (std::uint32_t(block[4 * i + 2]) << 8) | std::uint32_t(block[4 * i + 3]);
  for (int i = 16; i < 64; ++i) {
    std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
  for (int i = 0; i < 64; ++i) {
    std::uint32_t s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
    std::uint32_t ch = (e & f) ^ (~e & g);
    std::uint32_t t1 = hh + s1 + ch + kRound[i] + w[i];
    std::uint32_t s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
    std::uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
    std::uint32_t t2 = s0 + maj;
    hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
// The SHA extensions compute the same compression function in hardware (Intel SHA-NI); ids are
// derived for every resource, so this is on the hot path. Chosen at run time; same results.
__attribute__((target("sha,sse4.1"))) void compress_shani(std::uint32_t h[8], const std::uint8_t* block) {
  const __m128i shuf = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i tmp = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&h[0]));     // A B C D
  __m128i state1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&h[4]));  // E F G H
  tmp = _mm_shuffle_epi32(tmp, 0xB1);                  // C D A B
  state1 = _mm_shuffle_epi32(state1, 0x1B);            // H G F E
  __m128i state0 = _mm_alignr_epi8(tmp, state1, 8);    // A B E F
  state1 = _mm_blend_epi16(state1, tmp, 0xF0);         // C D G H
  const __m128i abef_save = state0, cdgh_save = state1;
  __m128i msg[4];
  for (int i = 0; i < 4; ++i)
    msg[i] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * i)), shuf);
  for (int r = 0; r < 16; ++r) {
    __m128i m = msg[r & 3];
    if (r >= 4) {
      // schedule: W[t..t+3] from the previous sixteen words
      __m128i w0 = msg[r & 3], w1 = msg[(r + 1) & 3], w2 = msg[(r + 2) & 3], w3 = msg[(r + 3) & 3];
      __m128i t = _mm_sha256msg1_epu32(w0, w1);
      t = _mm_add_epi32(t, _mm_alignr_epi8(w3, w2, 4));
      m = _mm_sha256msg2_epu32(t, w3);
      msg[r & 3] = m;
    }
    __m128i k = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&kRound[4 * r]));
    __m128i wk = _mm_add_epi32(m, k);
    state1 = _mm_sha256rnds2_epu32(state1, state0, wk);
    wk = _mm_shuffle_epi32(wk, 0x0E);
    state0 = _mm_sha256rnds2_epu32(state0, state1, wk);
  }
  state0 = _mm_add_epi32(state0, abef_save);
  state1 = _mm_add_epi32(state1, cdgh_save);
  tmp = _mm_shuffle_epi32(state0, 0x1B);               // F E B A
  state1 = _mm_shuffle_epi32(state1, 0xB1);            // D C H G
  state0 = _mm_blend_epi16(tmp, state1, 0xF0);         // D C B A
  state1 = _mm_alignr_epi8(state1, tmp, 8);            // H G F E
  _mm_storeu_si128(reinterpret_cast<__m128i*>(&h[0]), state0);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(&h[4]), state1);
}
bool have_shani() {
  // CPUID leaf 7 EBX bit 29: SHA extensions; leaf 1 ECX bit 19: SSE4.1 (clang 14 has no
  // __builtin_cpu_supports("sha"))
  static const bool yes = [] {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 19))) return false;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
    return (b & (1u << 29)) != 0;
  }();
  return yes;
}
#else
void compress_shani(std::uint32_t*, const std::uint8_t*) {}
bool have_shani() { return false; }
#endif

void compress_block(std::uint32_t h[8], const std::uint8_t* block) {
  if (have_shani()) compress_shani(h, block);
  else compress(h, block);
}

}  // namespace

void Sha256::update(std::string_view data) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(data.data());
  std::size_t n = data.size();
  total_ += n;
  if (used_) {
    std::size_t take = std::min(n, 64 - used_);
    std::memcpy(block_ + used_, p, take);
    used_ += take;
    p += take;
    n -= take;
    if (used_ < 64) return;
    compress_block(h_, block_);
    used_ = 0;
  }
  for (; n >= 64; p += 64, n -= 64) compress_block(h_, p);
  std::memcpy(block_, p, n);
  used_ = n;
}

std::array<std::uint8_t, 32> Sha256::finish() {
  std::uint8_t tail[128] = {};
  std::memcpy(tail, block_, used_);
  tail[used_] = 0x80;
  std::size_t tail_len = used_ < 56 ? 64 : 128;
  std::uint64_t bits = total_ * 8;
  for (int i = 0; i < 8; ++i) tail[tail_len - 1 - i] = std::uint8_t(bits >> (8 * i));
  compress_block(h_, tail);
  if (tail_len == 128) compress_block(h_, tail + 64);
  std::array<std::uint8_t, 32> out{};
  for (int i = 0; i < 8; ++i)
    for (int j = 0; j < 4; ++j) out[4 * i + j] = std::uint8_t(h_[i] >> (24 - 8 * j));
  return out;
}

std::array<std::uint8_t, 32> sha256(std::string_view data) {
  Sha256 h;
  h.update(data);
  return h.finish();
}

std::string hex_prefix(const std::array<std::uint8_t, 32>& digest, std::size_t bytes) {
  static const char* hex = "0123456789abcdef";
  std::string s(2 * bytes, '\0');
  for (std::size_t i = 0; i < bytes; ++i) {
    s[2 * i] = hex[digest[i] >> 4];
    s[2 * i + 1] = hex[digest[i] & 15];
  }
  return s;
}

std::string sha256_hex(std::string_view data) { return hex_prefix(sha256(data), 32); }

}  // namespace netconv
