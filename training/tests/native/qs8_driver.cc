// Runs one of the engine's QS8 kernels (src/kernels/qs8_*) on raw files, for test_quantize.py's
// bit-for-bit comparison of the simulated int8 network with the kernels. Built by that test with the
// native compiler (SIMDe); not part of the engine.
//   qs8_driver conv1x1 DIR h w in_c out_c in_zp out_zp out_min out_max
//   qs8_driver dw DIR h w c stride dilation in_zp out_zp out_min out_max
//   qs8_driver updw DIR h w c 1 1 in_zp out_zp out_min out_max 0   (nearest 2x up, then dw 3x3)
//   qs8_driver add DIR h w c a_scale a_zp b_scale b_zp out_scale out_zp out_min out_max
// DIR holds in.bin (int8 NHWC), w.bin (int8), b.bin (int32), s.bin (fp32) / skip.bin; writes
// out_scalar.bin and out_simd.bin (and add.txt: the add parameters).
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "kernels/qs8_kernels.h"

namespace {
template <class T>
std::vector<T> load(const std::string& path, size_t n) {
  std::vector<T> v(n);
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f || std::fread(v.data(), sizeof(T), n, f) != n) { std::fprintf(stderr, "cannot read %s\n", path.c_str()); std::exit(2); }
  std::fclose(f);
  return v;
}
void save(const std::string& path, const std::vector<int8_t>& v) {
  FILE* f = std::fopen(path.c_str(), "wb");
  std::fwrite(v.data(), 1, v.size(), f);
  std::fclose(f);
}
int arg(char** argv, int i) { return std::atoi(argv[i]); }
}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  const std::string mode = argv[1], dir = std::string(argv[2]) + "/";
  if (mode == "conv1x1" && argc == 11) {
    const size_t h = arg(argv, 3), w = arg(argv, 4), ic = arg(argv, 5), oc = arg(argv, 6);
    const int8_t in_zp = arg(argv, 7);
    const hm::QS8Output o{static_cast<int8_t>(arg(argv, 8)), static_cast<int8_t>(arg(argv, 9)), static_cast<int8_t>(arg(argv, 10))};
    auto in = load<int8_t>(dir + "in.bin", h * w * ic);
    auto wt = load<int8_t>(dir + "w.bin", oc * ic);
    auto b = load<int32_t>(dir + "b.bin", oc);
    auto s = load<float>(dir + "s.bin", oc);
    std::vector<uint8_t> packed(hm::packed_qs8_conv1x1_size(ic, oc));
    hm::pack_qs8_conv1x1(ic, oc, wt.data(), b.data(), s.data(), in_zp, packed.data());
    std::vector<int8_t> o1(h * w * oc), o2(h * w * oc);
    hm::qs8_conv1x1_minmax_fp32__scalar(in.data(), w, ic, packed.data(), oc, o1.data(), o, 0, h);
    hm::qs8_conv1x1_minmax_fp32__wasmsimd(in.data(), w, ic, packed.data(), oc, o2.data(), o, 0, h);
    save(dir + "out_scalar.bin", o1);
    save(dir + "out_simd.bin", o2);
    return 0;
  }
  if ((mode == "dw" || mode == "updw") && argc == 13) {
    const size_t h = arg(argv, 3), w = arg(argv, 4), c = arg(argv, 5), st = arg(argv, 6), d = arg(argv, 7);
    const int8_t in_zp = arg(argv, 8);
    const hm::QS8Output o{static_cast<int8_t>(arg(argv, 9)), static_cast<int8_t>(arg(argv, 10)), static_cast<int8_t>(arg(argv, 11))};
    (void)argv[12];
    auto in = load<int8_t>(dir + "in.bin", h * w * c);
    auto wt = load<int8_t>(dir + "w.bin", c * 9);
    auto b = load<int32_t>(dir + "b.bin", c);
    auto s = load<float>(dir + "s.bin", c);
    std::vector<uint8_t> packed(hm::packed_qs8_dwconv3x3_size(c));
    hm::pack_qs8_dwconv3x3(c, wt.data(), b.data(), s.data(), in_zp, packed.data());
    if (mode == "updw") {
      std::vector<int8_t> o1(4 * h * w * c), o2(4 * h * w * c);
      hm::qs8_upsample2x_dwconv3x3_minmax_fp32__scalar(in.data(), h, w, c, packed.data(), in_zp, o1.data(), o, 0,
                                                       2 * h);
      hm::qs8_upsample2x_dwconv3x3_minmax_fp32__wasmsimd(in.data(), h, w, c, packed.data(), in_zp, o2.data(), o, 0,
                                                         2 * h);
      save(dir + "out_scalar.bin", o1);
      save(dir + "out_simd.bin", o2);
      return 0;
    }
    const size_t oh = h / st, ow = w / st;
    std::vector<int8_t> o1(oh * ow * c), o2(oh * ow * c);
    hm::qs8_dwconv3x3_minmax_fp32__scalar(in.data(), h, w, c, st, d, packed.data(), in_zp, o1.data(), o, 0, oh);
    hm::qs8_dwconv3x3_minmax_fp32__wasmsimd(in.data(), h, w, c, st, d, packed.data(), in_zp, o2.data(), o, 0, oh);
    save(dir + "out_scalar.bin", o1);
    save(dir + "out_simd.bin", o2);
    return 0;
  }
  if (mode == "add" && argc == 14) {
    const size_t h = arg(argv, 3), w = arg(argv, 4), c = arg(argv, 5);
    const hm::QS8Output o{static_cast<int8_t>(arg(argv, 11)), static_cast<int8_t>(arg(argv, 12)), static_cast<int8_t>(arg(argv, 13))};
    hm::QS8AddParams p;
    if (!hm::qs8_add_params(std::strtof(argv[6], nullptr), arg(argv, 7), std::strtof(argv[8], nullptr), arg(argv, 9),
                            std::strtof(argv[10], nullptr), o, &p)) return 3;
    auto in = load<int8_t>(dir + "in.bin", h * w * c);
    auto skip = load<int8_t>(dir + "skip.bin", 4 * h * w * c);
    std::vector<int8_t> o1(4 * h * w * c), o2(4 * h * w * c);
    hm::qs8_upsample2x_add_minmax__scalar(in.data(), h, w, c, skip.data(), o1.data(), p, 0, 2 * h);
    hm::qs8_upsample2x_add_minmax__wasmsimd(in.data(), h, w, c, skip.data(), o2.data(), p, 0, 2 * h);
    save(dir + "out_scalar.bin", o1);
    save(dir + "out_simd.bin", o2);
    FILE* f = std::fopen((dir + "add.txt").c_str(), "w");
    std::fprintf(f, "%d %d %d %u\n", p.bias, p.a_mul, p.b_mul, p.shift);
    std::fclose(f);
    return 0;
  }
  std::fprintf(stderr, "bad arguments\n");
  return 2;
}
