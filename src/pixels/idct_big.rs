//! Enlarging inverse DCTs: 8 coefficients in, N samples out, N = 11..=16.
//!
//! `djpeg -scale M/8` with M = 11..16 treats each 8x8 coefficient block as
//! the low-frequency corner of an NxN block whose other coefficients are
//! zero, and runs an N-point inverse DCT over it. To be bit-exact with
//! libjpeg-turbo's integer ("islow") kernels, every function here reproduces
//! the exact integer products that kernel forms, so the integer result is
//! identical, not merely close.
//!
//! # Conventions shared by all kernels
//!
//! * Input `x` is one column (pass 1) or one row (pass 2): `x[0]` is the DC
//!   term, `x[u]` the u-th AC term, all unshifted.
//! * Output `y[k]` is in natural sample order and carries 13 fraction bits
//!   (`CONST_BITS`): `y[k] / 8192 ≈ x[0] + Σ_{u=1..7} x[u]·√2·cos((2k+1)uπ/2N)`.
//! * No rounding bias is added. The caller adds it and shifts:
//!   pass 1 stores `((y + (1 << 10)) >> 11) as i32`, pass 2 computes
//!   `(y + (1 << 17)) >> 18` and then range-limits.
//! * Pass 1 of the reference sometimes descales a partial sum early and
//!   later adds a term pre-shifted by `PASS1_BITS`. Adding `t << 13` before
//!   an 11-bit floor shift equals adding `t << 2` after it, so one
//!   full-precision map serves both passes exactly.
//! * Each multiplier is `FIX(c) = (c · 8192 + 0.5) as i64` for the decimal `c`
//!   the reference uses. Sums of rounded constants are kept as separate
//!   products, because `FIX(a) + FIX(b)` need not equal `FIX(a + b)`.
//!
//! In the constant comments `cK` stands for `√2·cos(Kπ/(2N))` of the kernel
//! that uses it.

/// Fraction bits of the fixed-point multipliers (and of every output).
const CONST_BITS: u32 = 13;

// ---------------------------------------------------------------------------
// 11-point constants, cK = √2·cos(Kπ/22).
// ---------------------------------------------------------------------------
const F2_546640132: i64 = 20862; // c2 + c4
const F0_430815045: i64 = 3529; // c2 - c6
const F1_155664402: i64 = 9467; // c2 - c10
const F1_356927976: i64 = 11116; // c2
const F1_821790775: i64 = 14924; // c2 + c4 + c10 - c6
const F2_115825087: i64 = 17333; // c4 + c6
const F1_513598477: i64 = 12399; // c6 + c8
const F0_788749120: i64 = 6461; // c8 + c10
const F1_944413522: i64 = 15929; // c2 + c8
const F1_390975730: i64 = 11395; // c4 + c10
/// c0 = √2 (also used by the 13-point kernel).
const F1_414213562: i64 = 11585;
const F0_398430003: i64 = 3264; // c9
const F0_887983902: i64 = 7274; // c3 - c9
const F0_670361295: i64 = 5492; // c5 - c9
const F0_366151574: i64 = 3000; // c7 - c9
const F0_923107866: i64 = 7562; // c7 + c5 + c3 - c1 - 2·c9
const F1_163011579: i64 = 9527; // c7 + c9
const F2_073276588: i64 = 16984; // c1 + c7 + 3·c9 - c3
const F1_192193623: i64 = 9766; // c3 + c5 - c7 - c9
const F1_798248910: i64 = 14731; // c1 + c9
const F2_102458632: i64 = 17223; // c1 + c5 + c9 - c7
const F1_467221301: i64 = 12019; // c5 + c9
const F1_001388905: i64 = 8203; // c1 - c9
const F1_684843907: i64 = 13802; // c3 + c9

// ---------------------------------------------------------------------------
// 12-point constants, cK = √2·cos(Kπ/24).
// ---------------------------------------------------------------------------
/// c4 (also c5 of the 15-point kernel).
const F1_224744871: i64 = 10033;
const F1_366025404: i64 = 11190; // c2
/// c3 (also c4 of the 16-point kernel).
const F1_306562965: i64 = 10703;
/// c9 (also c12 of the 16-point kernel).
const F0_541196100: i64 = 4433;
const F0_860918669: i64 = 7053; // c7
const F0_261052384: i64 = 2139; // c5 - c7
const F0_280143716: i64 = 2295; // c1 - c5
const F1_045510580: i64 = 8565; // c7 + c11
const F1_478575242: i64 = 12112; // c1 + c5 - c7 - c11
const F1_586706681: i64 = 12998; // c1 + c11
const F0_676326758: i64 = 5540; // c7 - c11
const F1_982889723: i64 = 16244; // c5 + c7
const F0_765366865: i64 = 6270; // c3 - c9
const F1_847759065: i64 = 15137; // c3 + c9

// ---------------------------------------------------------------------------
// 13-point constants, cK = √2·cos(Kπ/26).
// ---------------------------------------------------------------------------
const F1_155388986: i64 = 9465; // (c4 + c6) / 2
const F0_096834934: i64 = 793; // (c4 - c6) / 2
const F1_373119086: i64 = 11249; // c2
const F0_501487041: i64 = 4108; // c10
const F0_316450131: i64 = 2592; // (c8 - c12) / 2
const F0_486914739: i64 = 3989; // (c8 + c12) / 2
const F1_058554052: i64 = 8672; // c6
const F1_252223920: i64 = 10258; // c4
const F0_435816023: i64 = 3570; // (c2 - c10) / 2
const F0_937303064: i64 = 7678; // (c2 + c10) / 2
const F0_170464608: i64 = 1396; // c12
const F0_803364869: i64 = 6581; // c8
const F1_322312651: i64 = 10832; // c3
const F1_163874945: i64 = 9534; // c5
const F0_937797057: i64 = 7682; // c7
const F2_020082300: i64 = 16549; // c7 + c5 + c3 - c1
const F0_338443458: i64 = 2773; // c11
const F0_837223564: i64 = 6859; // c5 + c9 + c11 - c3
const F1_572116027: i64 = 12879; // c1 + c5 - c9 - c11
const F2_205608352: i64 = 18068; // c3 + c5 + c9 - c7
const F0_657217813: i64 = 5384; // c9
const F0_318774355: i64 = 2611; // c9 - c11
const F0_466105296: i64 = 3818; // c1 - c7
const F0_384515595: i64 = 3150; // c3 - c7
const F1_742345811: i64 = 14273; // c1 + c11

// ---------------------------------------------------------------------------
// 14-point constants, cK = √2·cos(Kπ/28).
// ---------------------------------------------------------------------------
const F1_274162392: i64 = 10438; // c4
const F0_314692123: i64 = 2578; // c12
const F0_881747734: i64 = 7223; // c8
const F1_105676686: i64 = 9058; // c6
const F0_273079590: i64 = 2237; // c2 - c6
const F1_719280954: i64 = 14084; // c6 + c10
const F0_613604268: i64 = 5027; // c10
const F1_378756276: i64 = 11295; // c2
const F1_334852607: i64 = 10935; // c3
const F1_197448846: i64 = 9810; // c5
const F1_126980169: i64 = 9232; // c3 + c5 - c1
const F0_752406978: i64 = 6164; // c9
const F1_061150426: i64 = 8693; // c9 + c11 - c13
const F0_467085129: i64 = 3826; // c11
const F0_158341681: i64 = 1297; // c13
const F0_424103948: i64 = 3474; // c3 - c9 - c13
const F2_373959773: i64 = 19447; // c3 + c5 - c13
const F1_405321284: i64 = 11512; // c1
/// c1 + c9 - c11; the reference spells this one with ten decimals.
const F1_6906431334: i64 = 13850;
const F0_674957567: i64 = 5529; // c1 + c11 - c5

// ---------------------------------------------------------------------------
// 15-point constants, cK = √2·cos(Kπ/30).
// ---------------------------------------------------------------------------
const F0_437016024: i64 = 3580; // c12
const F1_144122806: i64 = 9373; // c6
const F1_337628990: i64 = 10958; // (c2 + c4) / 2
const F0_045680613: i64 = 374; // (c2 - c4) / 2
const F1_439773946: i64 = 11795; // c4 + c14
const F0_547059574: i64 = 4482; // (c8 + c14) / 2
const F0_399234004: i64 = 3271; // (c8 - c14) / 2
const F0_790569415: i64 = 6476; // (c6 + c12) / 2
const F0_353553391: i64 = 2896; // (c6 - c12) / 2
const F0_831253876: i64 = 6810; // c9
const F0_513743148: i64 = 4209; // c3 - c9
const F2_176250899: i64 = 17828; // c3 + c9
const F1_344997024: i64 = 11018; // c3
const F1_406466353: i64 = 11522; // c1
const F2_457431844: i64 = 20131; // c1 + c7
const F1_112434820: i64 = 9113; // c1 - c13
const F0_575212477: i64 = 4712; // c11
const F0_475753014: i64 = 3897; // c7 - c11
const F0_869244010: i64 = 7121; // c11 + c13

// ---------------------------------------------------------------------------
// 16-point constants, cK = √2·cos(Kπ/32).
// ---------------------------------------------------------------------------
const F0_275899379: i64 = 2260; // c14
const F1_387039845: i64 = 11363; // c2
const F2_562915447: i64 = 20995; // c6 + c2
const F0_899976223: i64 = 7373; // c6 - c14
const F0_601344887: i64 = 4926; // c2 - c10
const F0_509795579: i64 = 4176; // c10 - c14
const F1_353318001: i64 = 11086; // c3
const F1_247225013: i64 = 10217; // c5
const F1_093201867: i64 = 8956; // c7
const F0_897167586: i64 = 7350; // c9
const F0_666655658: i64 = 5461; // c11
const F0_410524528: i64 = 3363; // c13
const F2_286341144: i64 = 18730; // c7 + c5 + c3 - c1
const F1_835730603: i64 = 15038; // c9 + c11 + c13 - c15
const F0_138617169: i64 = 1136; // c15
const F0_071888074: i64 = 589; // c9 + c11 - c3 - c15
const F1_125726048: i64 = 9222; // c5 + c7 + c15 - c3
const F1_407403738: i64 = 11529; // c1
const F0_766367282: i64 = 6278; // c1 + c11 - c9 - c13
const F1_971951411: i64 = 16154; // c1 + c5 + c13 - c7
const F1_065388962: i64 = 8728; // c3 + c11 + c15 - c7
const F3_141271809: i64 = 25733; // c1 + c5 + c9 - c13

/// Reassembles the natural output order from the even-part and odd-part
/// results: output `k` is `even[k] + odd[k]`, its mirror `N-1-k` is
/// `even[k] - odd[k]`, and for odd `N` the middle sample has no odd term.
fn butterfly<const N: usize>(even: &[i64], odd: &[i64]) -> [i64; N] {
    debug_assert_eq!(even.len(), N.div_ceil(2));
    debug_assert_eq!(odd.len(), N / 2);
    let mut y = [0; N];
    for (k, (&e, &o)) in even.iter().zip(odd).enumerate() {
        y[k] = e + o;
        y[N - 1 - k] = e - o;
    }
    if N % 2 == 1 {
        y[N / 2] = even[N / 2];
    }
    y
}

/// The DC term in output precision.
fn dc(x: [i64; 8]) -> i64 {
    x[0] << CONST_BITS
}

// ---------------------------------------------------------------------------
// N = 11
// ---------------------------------------------------------------------------

/// 11-point inverse DCT of 8 coefficients (cK = √2·cos(Kπ/22)), using
/// 24 multiplications; see the module docs for scaling and rounding.
pub(super) fn idct11(x: [i64; 8]) -> [i64; 11] {
    butterfly(&even11(x), &odd11(x))
}

/// Even half (inputs 0, 2, 4, 6) for outputs 0..=5.
fn even11(x: [i64; 8]) -> [i64; 6] {
    let [_, _, x2, _, x4, _, x6, _] = x;
    let dc = dc(x);
    let a = (x4 - x6) * F2_546640132;
    let b = (x4 - x2) * F0_430815045;
    let s = x2 + x6;
    let d = s - x4;
    let base = dc + d * F1_356927976;
    let mid = base - s * F1_155664402;
    [
        a + base + x6 * F2_115825087,
        a + b + base - x4 * F1_821790775,
        mid - x6 * F0_788749120,
        b + base - x2 * F1_513598477,
        mid + x4 * F1_944413522 - x2 * F1_390975730,
        dc - d * F1_414213562,
    ]
}

/// Odd half (inputs 1, 3, 5, 7) for outputs 0..=4.
fn odd11(x: [i64; 8]) -> [i64; 5] {
    let [_, x1, _, x3, _, x5, _, x7] = x;
    let all = (x1 + x3 + x5 + x7) * F0_398430003;
    let p13 = (x1 + x3) * F0_887983902;
    let p15 = (x1 + x5) * F0_670361295;
    let p17 = all + (x1 + x7) * F0_366151574;
    let q = all - (x3 + x5) * F1_163011579;
    let r = (x3 + x7) * -F1_798248910;
    [
        p13 + p15 + p17 - x1 * F0_923107866,
        p13 + q + x3 * F2_073276588 + r,
        p15 + q - x5 * F1_192193623,
        p17 + r + x7 * F2_102458632,
        all + x3 * -F1_467221301 + x5 * F1_001388905 - x7 * F1_684843907,
    ]
}

// ---------------------------------------------------------------------------
// N = 12
// ---------------------------------------------------------------------------

/// 12-point inverse DCT of 8 coefficients (cK = √2·cos(Kπ/24)), using
/// 15 multiplications; see the module docs for scaling and rounding.
pub(super) fn idct12(x: [i64; 8]) -> [i64; 12] {
    butterfly(&even12(x), &odd12(x))
}

/// Even half (inputs 0, 2, 4, 6) for outputs 0..=5. Several entries of the
/// 12-point table are √2·cos(π/4) = ±1, so those terms are plain shifts.
fn even12(x: [i64; 8]) -> [i64; 6] {
    let [_, _, x2, _, x4, _, x6, _] = x;
    let dc = dc(x);
    let m4 = x4 * F1_224744871;
    let m2 = x2 * F1_366025404;
    let s2 = x2 << CONST_BITS;
    let s6 = x6 << CONST_BITS;
    let (plus, minus) = (dc + m4, dc - m4);
    let outer = m2 + s6;
    let inner = m2 - s2 - s6;
    [
        plus + outer,
        dc + (s2 - s6),
        minus + inner,
        minus - inner,
        dc - (s2 - s6),
        plus - outer,
    ]
}

/// Odd half (inputs 1, 3, 5, 7) for outputs 0..=5.
fn odd12(x: [i64; 8]) -> [i64; 6] {
    let [_, x1, _, x3, _, x5, _, x7] = x;
    let m3 = x3 * F1_306562965;
    let n9 = x3 * -F0_541196100;
    let c7 = (x1 + x5 + x7) * F0_860918669;
    let c5 = c7 + (x1 + x5) * F0_261052384;
    let c11 = (x5 + x7) * -F1_045510580;
    // Outputs 1 and 4 share a rotation of (x1 - x7, x3 - x5).
    let (u, v) = (x1 - x7, x3 - x5);
    let rot = (u + v) * F0_541196100;
    [
        c5 + m3 + x1 * F0_280143716,
        rot + u * F0_765366865,
        c5 + c11 + n9 - x5 * F1_478575242,
        c11 + c7 - m3 + x7 * F1_586706681,
        rot - v * F1_847759065,
        c7 + n9 - x1 * F0_676326758 - x7 * F1_982889723,
    ]
}

// ---------------------------------------------------------------------------
// N = 13
// ---------------------------------------------------------------------------

/// 13-point inverse DCT of 8 coefficients (cK = √2·cos(Kπ/26)), using
/// 29 multiplications; see the module docs for scaling and rounding.
pub(super) fn idct13(x: [i64; 8]) -> [i64; 13] {
    butterfly(&even13(x), &odd13(x))
}

/// Even half (inputs 0, 2, 4, 6) for outputs 0..=6. Inputs 4 and 6 enter
/// as their sum and difference, each scaled by a half-sum/half-difference
/// of two cosines.
fn even13(x: [i64; 8]) -> [i64; 7] {
    let [_, _, x2, _, x4, _, x6, _] = x;
    let dc = dc(x);
    let (s, d) = (x4 + x6, x4 - x6);

    let a = s * F1_155388986;
    let b = d * F0_096834934 + dc;
    let (y0, y2) = (x2 * F1_373119086 + a + b, x2 * F0_501487041 - a + b);

    let a = s * F0_316450131;
    let b = d * F0_486914739 + dc;
    let (y1, y5) = (x2 * F1_058554052 - a + b, x2 * -F1_252223920 + a + b);

    let a = s * F0_435816023;
    let b = d * F0_937303064 - dc;
    let (y3, y4) = (x2 * -F0_170464608 - a - b, x2 * -F0_803364869 + a - b);

    let y6 = (d - x2) * F1_414213562 + dc;
    [y0, y1, y2, y3, y4, y5, y6]
}

/// Odd half (inputs 1, 3, 5, 7) for outputs 0..=5.
fn odd13(x: [i64; 8]) -> [i64; 6] {
    let [_, x1, _, x3, _, x5, _, x7] = x;
    let p3 = (x1 + x3) * F1_322312651;
    let p5 = (x1 + x5) * F1_163874945;
    let p7 = (x1 + x7) * F0_937797057;
    let n11 = (x3 + x5) * -F0_338443458;
    let n5 = (x3 + x7) * -F1_163874945;
    let n9 = (x5 + x7) * -F0_657217813;
    let p11 = (x1 + x7) * F0_338443458;
    let r7 = (x5 - x3) * F0_937797057;
    [
        p3 + p5 + p7 - x1 * F2_020082300,
        p3 + n11 + x3 * F0_837223564 + n5,
        p5 + n11 - x5 * F1_572116027 + n9,
        p7 + n5 + x7 * F2_205608352 + n9,
        p11 + x1 * F0_318774355 - x3 * F0_466105296 + r7,
        p11 + r7 + x5 * F0_384515595 - x7 * F1_742345811,
    ]
}

// ---------------------------------------------------------------------------
// N = 14
// ---------------------------------------------------------------------------

/// 14-point inverse DCT of 8 coefficients (cK = √2·cos(Kπ/28)), using
/// 20 multiplications; see the module docs for scaling and rounding.
///
/// Outputs 3 and 10 are where the reference's pass 1 descales early; this
/// full-precision form is exactly equivalent (see the module docs).
pub(super) fn idct14(x: [i64; 8]) -> [i64; 14] {
    butterfly(&even14(x), &odd14(x))
}

/// Even half (inputs 0, 2, 4, 6) for outputs 0..=6. On the 28-point grid
/// c0 = 2·(c4 + c12 - c8), so output 3 reuses the three input-4 products.
fn even14(x: [i64; 8]) -> [i64; 7] {
    let [_, _, x2, _, x4, _, x6, _] = x;
    let dc = dc(x);
    let m4 = x4 * F1_274162392;
    let m12 = x4 * F0_314692123;
    let m8 = x4 * F0_881747734;
    let (a, b, c) = (dc + m4, dc + m12, dc - m8);

    let c6 = (x2 + x6) * F1_105676686;
    let p = c6 + x2 * F0_273079590;
    let q = c6 - x6 * F1_719280954;
    let r = x2 * F0_613604268 - x6 * F1_378756276;
    [
        a + p,
        b + q,
        c + r,
        dc - ((m4 + m12 - m8) << 1),
        c - r,
        b - q,
        a - p,
    ]
}

/// Odd half (inputs 1, 3, 5, 7) for outputs 0..=6. Input 7 meets
/// √2·cos((2k+1)π/4) = ±1 at every output, so it enters as a shift.
fn odd14(x: [i64; 8]) -> [i64; 7] {
    let [_, x1, _, x3, _, x5, _, x7] = x;
    let s7 = x7 << CONST_BITS;
    let p3 = (x1 + x3) * F1_334852607;
    let p5 = (x1 + x5) * F1_197448846;
    let p9 = (x1 + x5) * F0_752406978;
    let p11 = (x1 - x3) * F0_467085129 - s7;
    let n13 = (x3 + x5) * -F0_158341681 - s7;
    let r1 = (x5 - x3) * F1_405321284;
    [
        p3 + p5 + s7 - x1 * F1_126980169,
        p3 + n13 - x3 * F0_424103948,
        p5 + n13 - x5 * F2_373959773,
        ((x1 - x3 - x5) << CONST_BITS) + s7,
        p9 + r1 + s7 - x5 * F1_6906431334,
        p11 + r1 + x3 * F0_674957567,
        p9 - x1 * F1_061150426 + p11,
    ]
}

// ---------------------------------------------------------------------------
// N = 15
// ---------------------------------------------------------------------------

/// 15-point inverse DCT of 8 coefficients (cK = √2·cos(Kπ/30)), using
/// 22 multiplications; see the module docs for scaling and rounding.
pub(super) fn idct15(x: [i64; 8]) -> [i64; 15] {
    butterfly(&even15(x), &odd15(x))
}

/// Even half (inputs 0, 2, 4, 6) for outputs 0..=7. Inputs 2 and 4 enter
/// as their sum and difference; on this grid c10 = c6 - c12 and
/// c0 = 2·(c6 - c12), which outputs 2 and 7 exploit.
fn even15(x: [i64; 8]) -> [i64; 8] {
    let [_, _, x2, _, x4, _, x6, _] = x;
    let dc = dc(x);
    let m12 = x6 * F0_437016024;
    let m6 = x6 * F1_144122806;
    let lo = dc - m12;
    let hi = dc + m6;
    let base = dc - ((m6 - m12) << 1);

    let (s, d) = (x2 + x4, x2 - x4);
    let w = x2 * F1_439773946;

    let (a, b) = (s * F1_337628990, d * F0_045680613);
    let (y0, y3) = (hi + a + b, lo - a + b + w);

    let (a, b) = (s * F0_547059574, d * F0_399234004);
    let (y5, y6) = (hi - a - b, lo + a - b - w);

    let (a, b) = (s * F0_790569415, d * F0_353553391);
    let (y1, y4) = (lo + a + b, hi - a + b);
    let y2 = base + 2 * b;
    let y7 = base - 4 * b;

    [y0, y1, y2, y3, y4, y5, y6, y7]
}

/// Odd half (inputs 1, 3, 5, 7) for outputs 0..=6. Input 5 meets only ±c5
/// or 0 here, so one product of it serves every output.
fn odd15(x: [i64; 8]) -> [i64; 7] {
    let [_, x1, _, x3, _, x5, _, x7] = x;
    let m5 = x5 * F1_224744871;
    let d37 = x3 - x7;
    let c9 = (x1 + d37) * F0_831253876;
    let n9 = x3 * -F0_831253876;
    let n3 = x3 * -F1_344997024;
    let d17 = x1 - x7;
    let c1 = m5 + d17 * F1_406466353;
    let c11 = (x1 + x7) * F0_575212477;
    [
        c1 + x7 * F2_457431844 - n3,
        c9 + x1 * F0_513743148,
        d17 * F1_224744871 - m5,
        n9 + c11 + x1 * F0_475753014 - m5,
        c9 - d37 * F2_176250899,
        n3 + c11 - x7 * F0_869244010 + m5,
        c1 - x1 * F1_112434820 + n9,
    ]
}

// ---------------------------------------------------------------------------
// N = 16
// ---------------------------------------------------------------------------

/// 16-point inverse DCT of 8 coefficients (cK = √2·cos(Kπ/32)), using
/// 28 multiplications; see the module docs for scaling and rounding.
pub(super) fn idct16(x: [i64; 8]) -> [i64; 16] {
    butterfly(&even16(x), &odd16(x))
}

/// Even half (inputs 0, 2, 4, 6) for outputs 0..=7. Inputs 2 and 6 act
/// as inputs 1 and 3 of an 8-point IDCT, which is why the 8-point islow
/// constants (c1 + c3, c3 - c7, …) reappear.
fn even16(x: [i64; 8]) -> [i64; 8] {
    let [_, _, x2, _, x4, _, x6, _] = x;
    let dc = dc(x);
    let m4 = x4 * F1_306562965;
    let m12 = x4 * F0_541196100;

    let d = x2 - x6;
    let r14 = d * F0_275899379;
    let r2 = d * F1_387039845;
    let p0 = r2 + x6 * F2_562915447;
    let p1 = r14 + x2 * F0_899976223;
    let p2 = r2 - x2 * F0_601344887;
    let p3 = r14 - x6 * F0_509795579;
    [
        dc + m4 + p0,
        dc + m12 + p1,
        dc - m12 + p2,
        dc - m4 + p3,
        dc - m4 - p3,
        dc - m12 - p2,
        dc + m12 - p1,
        dc + m4 - p0,
    ]
}

/// Odd half (inputs 1, 3, 5, 7) for outputs 0..=7.
fn odd16(x: [i64; 8]) -> [i64; 8] {
    let [_, x1, _, x3, _, x5, _, x7] = x;
    let p3 = (x1 + x3) * F1_353318001;
    let p5 = (x1 + x5) * F1_247225013;
    let p7 = (x1 + x7) * F1_093201867;
    let p9 = (x1 - x7) * F0_897167586;
    let p11 = (x1 + x5) * F0_666655658;
    let p13 = (x1 - x3) * F0_410524528;
    let q15 = (x3 + x5) * F0_138617169;
    let q1 = (x5 - x3) * F1_407403738;
    let n11 = (x3 + x7) * -F0_666655658;
    let n5 = (x3 + x7) * -F1_247225013;
    let n3 = (x5 + x7) * -F1_353318001;
    let r13 = (x7 - x5) * F0_410524528;
    [
        p3 + p5 + p7 - x1 * F2_286341144,
        p3 + q15 + x3 * F0_071888074 + n11,
        p5 + q15 - x5 * F1_125726048 + n3,
        p7 + n11 + x7 * F1_065388962 + n3,
        p9 + n5 + x7 * F3_141271809 + r13,
        p11 + q1 - x5 * F0_766367282 + r13,
        p13 + q1 + x3 * F1_971951411 + n5,
        p9 + p11 + p13 - x1 * F1_835730603,
    ]
}
