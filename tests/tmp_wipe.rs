#[test]
fn show() {
    let a = std::fs::read(std::env::var("A").unwrap()).unwrap();
    let b = std::fs::read(std::env::var("B").unwrap()).unwrap();
    let da = jtool::entropy::decode(
        &jtool::container::JpegFile::parse(&a).unwrap(),
        &Default::default(),
    )
    .unwrap();
    let db = jtool::entropy::decode(
        &jtool::container::JpegFile::parse(&b).unwrap(),
        &Default::default(),
    )
    .unwrap();
    for (ci, (x, y)) in da
        .image
        .components
        .iter()
        .zip(&db.image.components)
        .enumerate()
    {
        let p = &x.plane;
        let mut zero = vec![];
        for by in 0..p.height_blocks.min(y.plane.height_blocks) {
            for bx in 0..p.width_blocks.min(y.plane.width_blocks) {
                if x.plane.block(bx, by) != y.plane.block(bx, by) {
                    zero.push((bx, by, y.plane.block(bx, by).iter().all(|&v| v == 0)));
                }
            }
        }
        let xs: Vec<usize> = zero.iter().map(|z| z.0).collect();
        let ys: Vec<usize> = zero.iter().map(|z| z.1).collect();
        eprintln!(
            "comp {ci} ({}x{} blocks): {} differ, x {:?}..{:?}, y {:?}..{:?}, all zero: {}",
            p.width_blocks,
            p.height_blocks,
            zero.len(),
            xs.iter().min(),
            xs.iter().max(),
            ys.iter().min(),
            ys.iter().max(),
            zero.iter().all(|z| z.2)
        );
    }
}
