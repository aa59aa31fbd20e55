//! Outlook MSG (compound file), TNEF (winmail.dat) and the MAPI item model
//! shared with the PST reader.
//!
//! All three formats hold the same thing: a MAPI item — a property bag, a
//! recipient table and attachments, where an attachment is a file or another
//! item (an embedded message) to any depth. Each reader builds an [`Item`];
//! [`emit_item`] turns it into records:
//!
//! - the item itself, of a kind chosen by its message class (`IPM.Note` →
//!   Email, `IPM.Contact`/`IPM.DistList` → Contact, `IPM.Appointment` →
//!   Calendar, `IPM.StickyNote`/`IPM.Task`/`IPM.Activity` → Note);
//!   e-mail text starts with the envelope (`From:`, `To:`, `Cc:`, `Bcc:`,
//!   `Date:`, `Subject:`, blank line, body); other kinds list their fields
//!   (`Label: value`) then the body, and keep every other text property too,
//!   because a contact's or meeting's personal data often sits in named
//!   properties with no fixed id;
//! - file attachments, through [`Ctx::extract_child`] (any format, sniffed);
//! - embedded messages, as child records of the same model, recursively.
//!
//! The body is the plain-text body when there is one, else the HTML body
//! reduced to visible text, else the compressed RTF body decompressed
//! (`compressed-rtf`) and reduced to text. 8-bit strings (`PT_STRING8`) are
//! decoded with the item's code page (`PR_MESSAGE_CODEPAGE`, else
//! `PR_INTERNET_CPID`, else Windows-1252) via `codepage` + `encoding_rs`.
//!
//! One job per file:
//!
//! - [`mapi`]: the property model ([`Props`], [`Item`], attachments and
//!   recipients), the MAPI tags read, and 8-bit/UTF-16 text decoding;
//! - [`emit`]: an [`Item`] to records (envelope, fields, body, children);
//! - [`outlook_msg`]: `.msg`/`.oft` compound files to an [`Item`];
//! - [`tnef`]: `winmail.dat` streams to an [`Item`].
//!
//! The PST reader (`crate::pst`) builds the same [`Item`] and emits it here.

mod emit;
mod mapi;
mod outlook_msg;
mod tnef;

pub(crate) use emit::{emit_item, Place};
pub(crate) use mapi::{
    attachment_name, locator_word, missing_data, tag, AttachData, Attachment, Item, Props,
    Recipient, Value,
};
pub(crate) use outlook_msg::extract;
pub(crate) use tnef::extract_tnef;

/// Most nested messages read from one .msg or TNEF stream (each level is a
/// storage or an embedded stream).
const MAX_MSG_NESTING: usize = 32;
