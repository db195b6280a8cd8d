//! Lossless transforms on coefficients only: the orientation group, planning (geometry,
//! crop, edge policy) and the block walk. Never sees bytes or EXIF.

mod apply;
mod drop;
mod orientation;
mod plan;
mod samples;
mod wipe;

pub use apply::{apply, block_axes, finish, finish_packed, AxisMap};
pub use drop::{check_drop, drop_into, drop_plan, DropPlan};
pub use orientation::{Orientation, ALL as ALL_ORIENTATIONS};
pub use plan::{plan, CropOffset, CropSpec, EdgePolicy, Extend, Plan, Rect, Request};
pub use samples::transform_samples;
pub use wipe::{scale_region, wipe_plan, BlockRect};
