//! Memory held by `inspect` (coefficient hash) and `verify` on a sequential file whose
//! frame claims a huge size but whose data ends at once: both stream the iMCU rows, so
//! they must not hold the dense coefficient image (16383² pixels in 4:2:0 would be
//! about 800 MB of blocks). Measured with a counting allocator, this test binary's own.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The system allocator, counting the bytes currently held and the peak since reset.
struct Counting;

static HELD: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the counters are
// only statistics.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = HELD.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        HELD.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Peak bytes allocated (above what was held before) while `f` runs.
fn peak_during(f: impl FnOnce()) -> usize {
    let before = HELD.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    f();
    PEAK.load(Ordering::Relaxed) - before
}

/// A testdata baseline file whose SOF0 claims 16383 × 16383 pixels (within the default
/// 2^28-pixel limit); its scan data ends after the first MCUs.
fn huge_claim() -> Vec<u8> {
    let mut d = std::fs::read(common::testdata_dir().join("baseline_420_q85_67x45.jpg")).unwrap();
    let i = d.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    d[i + 5..i + 7].copy_from_slice(&16383u16.to_be_bytes());
    d[i + 7..i + 9].copy_from_slice(&16383u16.to_be_bytes());
    d
}

#[test]
fn inspect_and_verify_of_a_huge_claim_stay_small() {
    let data = huge_claim();
    const LIMIT: usize = 64 << 20;
    let mut hash = None;
    let inspect = peak_during(|| {
        hash = jtool::pipeline::inspect_full(&data)
            .unwrap()
            .coefficient_hash;
    });
    assert!(hash.is_some());
    let mut status = None;
    let verify = peak_during(|| status = Some(jtool::pipeline::verify(&data).status));
    assert_eq!(status, Some(jtool::pipeline::Status::Warning));
    eprintln!(
        "peak allocation for a 16383x16383 claim: inspect {} MB, verify {} MB",
        inspect >> 20,
        verify >> 20
    );
    assert!(inspect < LIMIT, "inspect held {inspect} bytes");
    assert!(verify < LIMIT, "verify held {verify} bytes");
}

/// The same for a lossless (SOF3) file: `verify`, and `decode` (its rows streamed to a
/// sink that drops them), hold two rows of MCUs, not the 16383 × 16383 × 3 samples
/// (1.6 GB as 16-bit values) the frame claims.
#[test]
fn lossless_huge_claim_stays_small() {
    use jtool::pipeline::pixels::{decode_file_rows, DecodeOptions};
    let mut d =
        std::fs::read(common::testdata_dir().join("lossless/ll_rgb_sv4_67x45.jpg")).unwrap();
    let i = d.windows(2).position(|w| w == [0xFF, 0xC3]).unwrap();
    d[i + 5..i + 7].copy_from_slice(&16383u16.to_be_bytes());
    d[i + 7..i + 9].copy_from_slice(&16383u16.to_be_bytes());
    const LIMIT: usize = 64 << 20;
    let mut status = None;
    let verify = peak_during(|| status = Some(jtool::pipeline::verify(&d).status));
    assert_eq!(status, Some(jtool::pipeline::Status::Warning));
    let mut rows = 0usize;
    let decode = peak_during(|| {
        let r = decode_file_rows(&d, &DecodeOptions::default(), &mut |_| Ok(()), &mut |b| {
            rows += b.len();
            Ok(())
        });
        assert!(r.is_ok());
    });
    assert_eq!(rows, 16383 * 16383 * 3);
    eprintln!(
        "lossless 16383x16383 claim: verify {} MB, decode {} MB",
        verify >> 20,
        decode >> 20
    );
    assert!(verify < LIMIT, "verify held {verify} bytes");
    assert!(decode < LIMIT, "decode held {decode} bytes");
    // A transform holds the whole image: it refuses samples the data cannot code.
    let turn = peak_during(|| {
        let copied = jtool::pipeline::copy(&d, &Default::default());
        assert!(copied.is_err_and(|e| e.to_string().contains("ends long before")));
    });
    assert!(turn < LIMIT, "copy held {turn} bytes");
}
