//! The redaction plan of one record: `sarx-model`'s one plan type
//! ([`sarx_model::plan`]), which the case folder stores, the review page
//! shows and the bundle applies as redaction makes it.

pub use sarx_model::plan::{
    Category, ExemptionFlag, KeepReason, Kept, RecordPlan, Redaction, Warning, BASIS_THIRD_PARTY,
    REASON_THIRD_PARTY,
};
