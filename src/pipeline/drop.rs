//! Drop (jpegtran -drop): another image's coefficients replace a region's, the rest of
//! the file is written back as `copy` writes it (see [`crate::transform::drop_into`]).
//! The Exif thumbnail is drawn again from the result (see `thumbnail`).

use super::thumbnail::{self, Blocks, Edit};
use super::{encode_options, CopyOptions, MetaEdits, Output};
use crate::coeffs::CoefficientImage;
use crate::container::JpegFile;
use crate::entropy::{self, Limits};
use crate::error::{Result, Warning, WarningKind};
use crate::transform::{check_drop, drop_into, drop_plan, Request};

/// The image to drop, decoded once for every file it goes into.
#[derive(Debug, Clone)]
pub struct DropSource {
    /// Its coefficients and tables.
    pub image: CoefficientImage,
    /// What was tolerated decoding it.
    pub warnings: Vec<Warning>,
}

/// Decodes the image to drop.
pub fn load_drop(data: &[u8], limits: &Limits) -> Result<DropSource> {
    let file = JpegFile::parse(data)?;
    let decoded = entropy::decode(&file, limits)?;
    let mut warnings = file.warnings;
    warnings.extend(decoded.warnings);
    Ok(DropSource {
        image: decoded.image,
        warnings,
    })
}

/// Drops `source` into `data` with its top-left corner at pixel `at` (moved right and
/// down to the iMCU grid, as jpegtran does). Without `trim` nothing is lost: differing
/// quantization tables become their common divisor. With `trim` the drop image is
/// rounded to `data`'s tables.
pub fn drop_image(
    data: &[u8],
    source: &DropSource,
    at: (u32, u32),
    trim: bool,
    opts: &CopyOptions,
) -> Result<Output> {
    let (file, mut decoded, mut warnings) = super::decode_checked(data, opts)?;
    let image = &mut decoded.image;
    let factors: Vec<(u8, u8)> = image.components.iter().map(|c| (c.h, c.v)).collect();
    let size = (source.image.width, source.image.height);
    let plan = drop_plan((image.width, image.height), &factors, size, at)?;
    if plan.width == 0 || plan.height == 0 {
        // As jpegtran: nothing to drop, so nothing is checked or changed.
        warnings.push(Warning::at(
            0,
            WarningKind::Other(
                "nothing was dropped: the drop image does not cover a whole iMCU from the grid point after its corner"
                    .into(),
            ),
        ));
    } else {
        check_drop(image, &source.image)?;
        drop_into(image, &source.image, &plan, trim);
        image.normalize_padding();
    }
    let restart_interval = super::output_restart(opts, &decoded)?;
    let enc = encode_options(opts, &file, &decoded, restart_interval, &decoded.image)?;
    let size = (decoded.image.width, decoded.image.height);
    let edit = Edit {
        file: &file,
        request: Request::default(),
        options: opts,
        source: size,
        output: size,
        color: super::colour_space(&file, &decoded, &decoded.image),
        redrawn: plan.width > 0 && plan.height > 0,
        true_transform: true,
        reset_orientation: false,
        region: None,
        thumb_side: None,
    };
    let followed = thumbnail::followed(&edit, &Blocks::Dense(&decoded.image), &mut warnings);
    let coded = entropy::encode_owned(decoded.image, &enc)?;
    let edits = MetaEdits {
        icc: opts.icc.clone(),
        ..followed
    };
    Ok(Output {
        bytes: super::assemble(&file, opts.keep, &coded, &edits),
        warnings,
    })
}
