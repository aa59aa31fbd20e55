//! The redaction engine: every recogniser compiled once, classification of
//! each finding, and the plan of one record.

use std::collections::HashSet;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use sarx_detect::{is_birth_context, Entity, EntityKind, Recogniser, Recognisers, SubjectMatcher};
use sarx_model::{Record, RecordId, Span};

use crate::exemptions::Exemptions;
use crate::plan::{
    Category, KeepReason, Kept, RecordPlan, Redaction, Warning, BASIS_THIRD_PARTY,
    REASON_THIRD_PARTY,
};
use crate::recognisers::address::Addresses;
use crate::recognisers::bank::BankDetails;
use crate::recognisers::person_name::PersonNames;
use crate::recognisers::phone_any::AnyPhones;
use crate::recognisers::special_category::SpecialCategory;
use crate::recognisers::vehicle::VehicleRegistrations;
use crate::recognisers::{after_window, before_window, word_bounded};
use crate::staff::{StaffDirectory, StaffPolicy};
use crate::Error;
use sarx_ner::Tagger;

/// Role words that, right before or after a name, mark a health or
/// social-care professional acting officially.
const PROFESSIONAL_BEFORE: &[&str] = &[
    "gp ",
    "gp, ",
    "gp dr ",
    "social worker ",
    "health visitor ",
    "district nurse ",
    "nurse ",
    "community psychiatric nurse ",
    "cpn ",
    "midwife ",
    "occupational therapist ",
    "ot ",
    "physiotherapist ",
    "paramedic ",
    "psychiatrist ",
    "psychologist ",
    "consultant ",
    "care coordinator ",
    "care co-ordinator ",
    "support worker ",
    "key worker ",
    "keyworker ",
    "mental health worker ",
    "safeguarding lead ",
    "practitioner ",
    "pharmacist ",
];
const PROFESSIONAL_AFTER: &[&str] = &[
    " (gp",
    ", gp",
    " (social worker",
    ", social worker",
    " (health visitor",
    ", health visitor",
    " (nurse",
    " (cpn",
    " (ot",
    ", occupational therapist",
    " (support worker",
    ", support worker",
    " (psychiatrist",
    ", consultant",
    " (consultant",
    " (midwife",
    " (paramedic",
];

/// True when `word` (lowercase) is a title that may open a name span:
/// `sarx_model::vocab::TITLES` but police ranks and titles for children.
fn title_word(word: &str) -> bool {
    sarx_model::vocab::title(word)
        .is_some_and(|t| !t.for_children && t.kind != sarx_model::vocab::TitleKind::PoliceRank)
}

/// Local parts of organisation mailboxes that are not a person's address.
const ORG_MAILBOXES: &[&str] = &[
    "info",
    "enquiries",
    "enquiry",
    "contact",
    "hello",
    "admin",
    "office",
    "reception",
    "repairs",
    "housing",
    "customer.services",
    "customerservices",
    "customer-services",
    "noreply",
    "no-reply",
    "donotreply",
    "do-not-reply",
    "dpo",
    "data.protection",
    "dataprotection",
    "foi",
    "complaints",
    "rents",
    "rent",
    "asb",
    "support",
    "help",
    "helpdesk",
    "postmaster",
    "mailer-daemon",
];

/// Builds an [`Engine`].
#[derive(Debug, Default)]
pub struct EngineBuilder {
    staff: Option<StaffDirectory>,
    staff_policy: StaffPolicy,
    professional_policy: StaffPolicy,
    public_names: Vec<String>,
    public_contacts: Vec<String>,
    model: Option<Arc<dyn Tagger>>,
}

impl EngineBuilder {
    /// The person-name model that judges the rules' name candidates in
    /// context ([`crate::judge`]). Without one the engine is *rules only*:
    /// the caller must have chosen that explicitly and say so in its output.
    pub fn model(mut self, model: Arc<dyn Tagger>) -> Self {
        self.model = Some(model);
        self
    }

    /// The staff directory (staff acting professionally).
    pub fn staff(mut self, staff: StaffDirectory) -> Self {
        self.staff = Some(staff);
        self
    }

    /// Keep or redact staff names and work contacts (default keep).
    pub fn staff_policy(mut self, p: StaffPolicy) -> Self {
        self.staff_policy = p;
        self
    }

    /// Keep or redact health and social-care professionals acting
    /// officially who are not in the staff directory (default keep).
    pub fn professional_policy(mut self, p: StaffPolicy) -> Self {
        self.professional_policy = p;
        self
    }

    /// Organisation and public names that are never a third party's data
    /// (`Leeds City Council`, a housing association's name).
    pub fn public_names<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.public_names.extend(names.into_iter().map(Into::into));
        self
    }

    /// The organisation's own switchboards and mailboxes (kept).
    pub fn public_contacts<I, S>(mut self, contacts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.public_contacts
            .extend(contacts.into_iter().map(Into::into));
        self
    }

    /// Compiles every recogniser.
    pub fn build(self) -> Result<Engine, Error> {
        let public_ac = if self.public_names.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&self.public_names)
                    .map_err(|e| Error::Build(e.to_string()))?,
            )
        };
        let public_contacts = self
            .public_contacts
            .iter()
            .map(|c| contact_key(c))
            .collect();
        Ok(Engine {
            names: PersonNames::new(),
            addresses: Addresses::new().map_err(|e| Error::Build(e.to_string()))?,
            bank: BankDetails::new().map_err(|e| Error::Build(e.to_string()))?,
            vehicles: VehicleRegistrations::new().map_err(|e| Error::Build(e.to_string()))?,
            phones: AnyPhones::new().map_err(|e| Error::Build(e.to_string()))?,
            special: SpecialCategory::new().map_err(|e| Error::Build(e.to_string()))?,
            exemptions: Exemptions::new().map_err(|e| Error::Build(e.to_string()))?,
            staff: self.staff.unwrap_or_default(),
            staff_policy: self.staff_policy,
            professional_policy: self.professional_policy,
            public_ac,
            public_names: self.public_names,
            public_contacts,
            model: self.model,
        })
    }
}

/// Digits of a phone or the lowercase e-mail, for comparing contacts.
fn contact_key(s: &str) -> String {
    if s.contains('@') {
        s.trim().to_lowercase()
    } else {
        s.chars().filter(char::is_ascii_digit).collect()
    }
}

/// Every recogniser, compiled once. Immutable and `Send + Sync`.
#[derive(Debug)]
pub struct Engine {
    names: PersonNames,
    addresses: Addresses,
    bank: BankDetails,
    vehicles: VehicleRegistrations,
    phones: AnyPhones,
    special: SpecialCategory,
    exemptions: Exemptions,
    staff: StaffDirectory,
    staff_policy: StaffPolicy,
    professional_policy: StaffPolicy,
    public_ac: Option<AhoCorasick>,
    public_names: Vec<String>,
    public_contacts: HashSet<String>,
    model: Option<Arc<dyn Tagger>>,
}

/// Full names the model has confirmed as people in one case (normalised,
/// two words or more), shared by the records planned in parallel. The case
/// consistency pass redacts such a name wherever else it occurs, so judging
/// it again elsewhere in the case would change nothing: a later candidate
/// with the same normalised form is taken as a name without the model (it
/// is still classified: the subject's, staff, public or a third party's).
/// Only confirmations are shared, never rejections: a phrase the model
/// rejected is judged afresh in every context.
#[derive(Debug, Default)]
pub struct ConfirmedNames(std::sync::RwLock<HashSet<String>>);

impl ConfirmedNames {
    fn contains(&self, name: &str) -> bool {
        self.0.read().is_ok_and(|s| s.contains(name))
    }

    fn add(&self, names: impl Iterator<Item = String>) {
        let fresh: Vec<String> = names.filter(|n| !self.contains(n)).collect();
        if fresh.is_empty() {
            return;
        }
        if let Ok(mut s) = self.0.write() {
            s.extend(fresh);
        }
    }
}

/// The key under which a name finding is confirmed for the case: its
/// normalised form when it is a full name (two words or more), or its
/// lower-cased surface when it is a title and a surname (`Mrs Okafor`) —
/// the two forms the case consistency pass spreads. `None` otherwise.
fn confirm_key(text: &str, f: &Entity) -> Option<String> {
    if f.normalised.split_whitespace().count() >= 2 {
        return Some(f.normalised.clone());
    }
    let surface = f.span.slice(text)?;
    let words: Vec<&str> = surface.split_whitespace().collect();
    match words.as_slice() {
        [title, _] if crate::recognisers::person_name::is_title(title) => {
            Some(words.join(" ").to_lowercase())
        }
        _ => None,
    }
}

/// The shared identifiers redaction acts on: contact details, NI and NHS
/// numbers, postcodes and dates of birth (a date is personal data only as
/// a date of birth, so only in a birth context). A date of birth becomes a
/// plain date.
fn redactable(mut e: Entity, text: &str) -> Option<Entity> {
    match e.kind {
        EntityKind::Email
        | EntityKind::Phone
        | EntityKind::NiNumber
        | EntityKind::NhsNumber
        | EntityKind::Postcode => Some(e),
        EntityKind::DateOfBirth => {
            e.kind = EntityKind::Date;
            Some(e)
        }
        EntityKind::Date if is_birth_context(text, e.span.start) => Some(e),
        _ => None,
    }
}

/// The redaction category of a finding kind.
pub fn category_of(kind: EntityKind) -> Category {
    match kind {
        EntityKind::PersonName | EntityKind::Name | EntityKind::Alias => Category::ThirdPartyName,
        EntityKind::Email | EntityKind::Phone => Category::ThirdPartyContact,
        EntityKind::NiNumber
        | EntityKind::NhsNumber
        | EntityKind::Date
        | EntityKind::DateOfBirth
        | EntityKind::Reference
        | EntityKind::LinkedReference => Category::ThirdPartyIdentifier,
        EntityKind::Postcode | EntityKind::Address => Category::ThirdPartyAddress,
        EntityKind::SortCode | EntityKind::AccountNumber => Category::ThirdPartyFinancial,
        EntityKind::VehicleRegistration => Category::ThirdPartyVehicle,
        EntityKind::SpecialCategory => Category::SpecialCategory,
    }
}

/// A pseudonymous key for a party: a short hash of kind and normalised form.
pub fn party_key(kind: EntityKind, normalised: &str) -> String {
    let fam = match kind {
        EntityKind::PersonName => "name",
        EntityKind::Email | EntityKind::Phone => "contact",
        EntityKind::Address | EntityKind::Postcode => "address",
        _ => kind.as_str(),
    };
    let h = blake3::hash(format!("{fam}\u{0}{normalised}").as_bytes());
    let hex = h.to_hex();
    format!("p:{}", hex.as_str().get(..12).unwrap_or(""))
}

impl Engine {
    /// A builder.
    pub fn builder() -> EngineBuilder {
        EngineBuilder::default()
    }

    /// The person-name recogniser (for gazetteer lookups).
    pub fn person_names(&self) -> &PersonNames {
        &self.names
    }

    /// True when `s` lies within one of the organisation and public names
    /// the engine was built with (`Fernbank Homes` holds `Homes`).
    pub fn is_public_name(&self, s: &str) -> bool {
        let s = s.trim();
        !s.is_empty()
            && self.public_names.iter().any(|p| {
                let p = p.to_lowercase();
                let l = s.to_lowercase();
                p.match_indices(&l)
                    .any(|(i, _)| word_bounded(&p, i, i + l.len()))
            })
    }

    /// The staff directory.
    pub fn staff(&self) -> &StaffDirectory {
        &self.staff
    }

    /// The whole recogniser pass over `text`: identifiers (from
    /// `sarx-detect`), any-format phones, person names, street addresses,
    /// bank details, vehicle registrations and special-category cues, sorted
    /// by position. Overlaps between kinds are kept; a person name inside an
    /// e-mail address is dropped.
    pub fn findings(&self, text: &str) -> Vec<Entity> {
        self.findings_checked(text, &[], None).0
    }

    /// True when a person-name model judges the rules' name candidates.
    pub fn has_model(&self) -> bool {
        self.model.is_some()
    }

    /// [`Engine::findings`], and whether the model failed on this text (its
    /// names are then the rules' alone, and the plan says so).
    ///
    /// Name candidates inside `own` (the subject's own mentions, kept
    /// whatever the model says) and full names already in `confirmed` are
    /// not sent to the model.
    fn findings_checked(
        &self,
        text: &str,
        own: &[Span],
        confirmed: Option<&ConfirmedNames>,
    ) -> (Vec<Entity>, bool) {
        let mut out: Vec<Entity> = Recognisers::shared()
            .find(text)
            .into_iter()
            .filter_map(|e| redactable(e, text))
            .collect();
        let ids: Vec<Span> = out.iter().map(|f| f.span).collect();
        for p in self.phones.find_all(text) {
            if !ids.iter().any(|s| s.overlaps(&p.span)) {
                out.push(p);
            }
        }
        let emails: Vec<Span> = out
            .iter()
            .filter(|f| f.kind == EntityKind::Email)
            .map(|f| f.span)
            .collect();
        let candidates: Vec<Entity> = self
            .names
            .find_all(text)
            .into_iter()
            .filter(|n| !emails.iter().any(|s| s.overlaps(&n.span)))
            .collect();
        let mut model_failed = false;
        let names = match &self.model {
            None => candidates,
            Some(m) => {
                let (settled, open): (Vec<Entity>, Vec<Entity>) =
                    candidates.iter().cloned().partition(|c| {
                        own.iter()
                            .any(|o| o.start <= c.span.start && c.span.end <= o.end)
                            || confirmed.is_some_and(|k| {
                                confirm_key(text, c).is_some_and(|key| k.contains(&key))
                            })
                    });
                // The names settled by the case's cache (not the subject's
                // own, which never reach the model) still shape the model's
                // windows, so the outcome does not depend on which record
                // of the case was planned first.
                let context: Vec<Span> = settled
                    .iter()
                    .filter(|c| {
                        !own.iter()
                            .any(|o| o.start <= c.span.start && c.span.end <= o.end)
                    })
                    .map(|f| f.span)
                    .collect();
                match crate::judge::judge_in_context(m.as_ref(), text, open, &context) {
                    Ok(judged) => {
                        if let Some(k) = confirmed {
                            k.add(judged.iter().filter_map(|n| confirm_key(text, n)));
                        }
                        let mut names: Vec<Entity> = judged
                            .into_iter()
                            .filter(|n| !emails.iter().any(|s| s.overlaps(&n.span)))
                            .chain(settled)
                            .collect();
                        names.sort_by_key(|f| (f.span.start, f.span.end));
                        names
                    }
                    Err(_) => {
                        model_failed = true;
                        candidates
                    }
                }
            }
        };
        out.extend(names);
        out.extend(self.addresses.find_all(text));
        let taken: Vec<Span> = out.iter().map(|f| f.span).collect();
        for f in self
            .bank
            .find_all(text)
            .into_iter()
            .chain(self.vehicles.find_all(text))
        {
            if !taken.iter().any(|s| s.overlaps(&f.span)) {
                out.push(f);
            }
        }
        out.extend(self.special.find_all(text));
        out.sort_by_key(|f| (f.span.start, f.span.end));
        (out, model_failed)
    }

    /// The plan of one record. `subject` keeps the requester's own data.
    pub fn plan(&self, record: &Record, subject: Option<&SubjectMatcher>) -> RecordPlan {
        self.plan_text(&record.id, &record.text, subject)
    }

    /// The plan of one text.
    pub fn plan_text(
        &self,
        record_id: &RecordId,
        text: &str,
        subject: Option<&SubjectMatcher>,
    ) -> RecordPlan {
        self.plan_in_case(record_id, text, subject, None)
    }

    /// The plan of one text of a case whose confirmed names are shared
    /// ([`ConfirmedNames`]).
    pub fn plan_in_case(
        &self,
        record_id: &RecordId,
        text: &str,
        subject: Option<&SubjectMatcher>,
        confirmed: Option<&ConfirmedNames>,
    ) -> RecordPlan {
        let mut plan = RecordPlan::new(record_id.clone());
        let own: Vec<Entity> = subject.map(|m| m.subject_spans(text)).unwrap_or_default();
        let own_spans: Vec<Span> = own.iter().map(|e| e.span).collect();
        for e in &own {
            plan.kept.push(Kept {
                span: Span::new(e.span.start, e.span.end),
                reason: KeepReason::Subject,
                recogniser: e.recognised_as(),
            });
        }
        let public: Vec<Span> = self
            .public_ac
            .as_ref()
            .map(|ac| {
                ac.find_iter(text)
                    .filter(|m| word_bounded(text, m.start(), m.end()))
                    .map(|m| Span::new(m.start(), m.end()))
                    .collect()
            })
            .unwrap_or_default();
        let (findings, model_failed) = self.findings_checked(text, &own_spans, confirmed);
        if model_failed {
            plan.warnings.push(Warning {
                code: "model_failed".into(),
                span: Span::new(0, 0),
                message: "the person-name model failed on this record: its names are the rules' alone; check them by hand".into(),
            });
        }
        // Person mentions in order, for attributing special-category cues:
        // (span, is_third_party).
        let mut people: Vec<(Span, bool)> = own_spans
            .iter()
            .zip(&own)
            .filter(|(_, e)| matches!(e.kind, EntityKind::Name | EntityKind::Alias))
            .map(|(s, _)| (*s, false))
            .collect();
        let mut specials = Vec::new();
        for f in &findings {
            if f.kind == EntityKind::SpecialCategory {
                specials.push(f);
                continue;
            }
            match self.classify(f, text, &own_spans, subject, &public) {
                Some(reason) => {
                    if f.kind == EntityKind::PersonName && reason == KeepReason::Subject {
                        people.push((f.span, false));
                    }
                    plan.kept.push(Kept {
                        span: Span::new(f.span.start, f.span.end),
                        reason,
                        recogniser: f.recogniser.to_owned(),
                    });
                }
                None => {
                    if f.kind == EntityKind::PersonName {
                        people.push((f.span, true));
                    }
                    plan.redactions.push(redaction(f, category_of(f.kind)));
                }
            }
        }
        people.sort_by_key(|(s, _)| s.start);
        for f in specials {
            // Nearest person mention before the cue in the same sentence.
            let sentence_start = text
                .get(..f.span.start)
                .and_then(|b| b.rfind(['.', '!', '?', '\n']))
                .map_or(0, |i| i + 1);
            let nearest = people
                .iter()
                .rev()
                .find(|(s, _)| s.end <= f.span.start && s.start >= sentence_start);
            if let Some((_, true)) = nearest {
                for piece in subtract(f.span, &own_spans) {
                    plan.redactions.push(Redaction {
                        id: String::new(),
                        span: Span::new(piece.start, piece.end),
                        ..redaction(f, Category::SpecialCategory)
                    });
                }
            }
        }
        plan.exemptions = self.exemptions.flags(text);
        plan.warnings
            .extend(identifiability_warnings(text, &plan.redactions));
        plan.normalise();
        plan
    }

    /// `None` when the finding is a third party's data (redact), else why
    /// it is kept.
    fn classify(
        &self,
        f: &Entity,
        text: &str,
        own: &[Span],
        subject: Option<&SubjectMatcher>,
        public: &[Span],
    ) -> Option<KeepReason> {
        let surface = f.span.slice(text).unwrap_or("");
        let overlaps_own = own.iter().any(|s| s.overlaps(&f.span));
        match f.kind {
            EntityKind::PersonName => {
                if overlaps_own {
                    // What the subject's spans leave of this name: if only
                    // titles and joiners remain, it is the subject.
                    let rest = subtract(f.span, own);
                    let only_titles = rest.iter().all(|sp| {
                        sp.slice(text)
                            .unwrap_or("")
                            .split(|c: char| !c.is_alphabetic())
                            .all(|w| {
                                w.is_empty()
                                    || w.eq_ignore_ascii_case("and")
                                    || title_word(&w.to_lowercase())
                            })
                    });
                    if only_titles || subject.is_some_and(|m| m.is_subject_name(surface)) {
                        return Some(KeepReason::Subject);
                    }
                } else if subject.is_some_and(|m| m.is_subject_name(surface)) {
                    return Some(KeepReason::Subject);
                }
                if public
                    .iter()
                    .any(|s| s.start <= f.span.start && f.span.end <= s.end)
                {
                    return Some(KeepReason::Public);
                }
                // A lone word of the organisation's own name (`Homes` of
                // `Fernbank Homes`) that nothing else marks as a person.
                let one_word = !surface.trim().contains(char::is_whitespace);
                if one_word && f.confidence < 0.9 && self.is_public_name(surface) {
                    return Some(KeepReason::Public);
                }
                let before = before_window(text, f.span.start, 40).to_lowercase();
                let first_word = surface
                    .split(|c: char| !c.is_alphabetic())
                    .next()
                    .unwrap_or("")
                    .to_lowercase();
                let titled = title_word(&first_word);
                if self.staff.is_staff_name(surface, titled)
                    || (!titled
                        && greeting_or_sign_off(text, f.span)
                        && self.staff.is_forename_of_member_in(surface, text))
                {
                    return match self.staff_policy {
                        StaffPolicy::Keep => Some(KeepReason::Staff),
                        StaffPolicy::Redact => None,
                    };
                }
                let after = after_window(text, f.span.end, 30).to_lowercase();
                if self.professional_policy == StaffPolicy::Keep
                    && (PROFESSIONAL_BEFORE.iter().any(|c| before.ends_with(c))
                        || PROFESSIONAL_AFTER.iter().any(|c| after.starts_with(c)))
                {
                    return Some(KeepReason::Professional);
                }
                None
            }
            EntityKind::Email | EntityKind::Phone => {
                if overlaps_own {
                    return Some(KeepReason::Subject);
                }
                let key = contact_key(surface);
                if self.public_contacts.contains(&key) {
                    return Some(KeepReason::Public);
                }
                if f.kind == EntityKind::Email {
                    let local = key.split('@').next().unwrap_or("");
                    if ORG_MAILBOXES.contains(&local) {
                        return Some(KeepReason::Public);
                    }
                }
                let staff = if f.kind == EntityKind::Email {
                    self.staff.is_staff_email(surface)
                } else {
                    self.staff.is_staff_phone(surface)
                };
                if staff {
                    return match self.staff_policy {
                        StaffPolicy::Keep => Some(KeepReason::Staff),
                        StaffPolicy::Redact => None,
                    };
                }
                None
            }
            _ => {
                if overlaps_own {
                    Some(KeepReason::Subject)
                } else {
                    None
                }
            }
        }
    }
}

trait RecognisedAs {
    fn recognised_as(&self) -> String;
}

impl RecognisedAs for Entity {
    fn recognised_as(&self) -> String {
        format!("{}:{}", self.recogniser, self.kind.as_str())
    }
}

fn redaction(f: &Entity, category: Category) -> Redaction {
    Redaction {
        id: String::new(),
        span: Span::new(f.span.start, f.span.end),
        category,
        reason_code: REASON_THIRD_PARTY.to_owned(),
        legal_basis: BASIS_THIRD_PARTY.to_owned(),
        confidence: f.confidence,
        recogniser: f.recogniser.to_owned(),
        party: party_key(f.kind, &f.normalised),
    }
}

/// `span` minus every span in `holes`.
fn subtract(span: Span, holes: &[Span]) -> Vec<Span> {
    let mut pieces = vec![span];
    for h in holes {
        pieces = pieces
            .into_iter()
            .flat_map(|p| {
                if !p.overlaps(h) {
                    return vec![p];
                }
                let mut v = Vec::new();
                if p.start < h.start {
                    v.push(Span::new(p.start, h.start));
                }
                if h.end < p.end {
                    v.push(Span::new(h.end, p.end));
                }
                v
            })
            .collect();
    }
    pieces
}

/// Records where a redacted third party is still identifiable: a
/// relationship word right before a redacted name (`her son [REDACTED]`),
/// or a location that points at one household (`the tenant at number 14`,
/// `next door`).
pub fn identifiability_warnings(text: &str, redactions: &[Redaction]) -> Vec<Warning> {
    let relationships_identifying = || {
        sarx_model::vocab::RELATIONSHIPS
            .iter()
            .filter(|r| r.identifies)
            .map(|r| r.word)
    };
    let mut out = Vec::new();
    for r in redactions
        .iter()
        .filter(|r| r.category == Category::ThirdPartyName)
    {
        let before = before_window(text, r.span.start, 24);
        let lower = before.to_lowercase();
        let trimmed = lower.trim_end();
        if let Some(word) = relationships_identifying().find(|w| {
            trimmed.ends_with(w)
                && trimmed
                    .get(..trimmed.len() - w.len())
                    .and_then(|s| s.chars().next_back())
                    .is_none_or(|c| !c.is_alphanumeric())
        }) {
            let start = r.span.start - (before.len() - trimmed.len()) - word.len();
            out.push(Warning {
                code: "relationship_context".into(),
                span: Span::new(start, start + word.len()),
                message:
                    "a relationship word next to a redacted name may still identify the third party"
                        .into(),
            });
        }
    }
    let lower = text.to_ascii_lowercase();
    for cue in [
        "the tenant at number",
        "the tenant at no",
        "the neighbour at number",
        "neighbour at number",
        "tenant at number",
        "the family at number",
        "the family at no",
        "the people at number",
        "the man at number",
        "the woman at number",
        "the lady at number",
        "the occupant of number",
        "the occupier of number",
        "resident at number",
        "the tenant of flat",
        "the tenant in flat",
        "neighbour in flat",
        "next door neighbour",
        "next-door neighbour",
        "neighbour next door",
        "upstairs neighbour",
        "downstairs neighbour",
        "the flat above",
        "the flat below",
    ] {
        for (i, _) in lower.match_indices(cue) {
            if !word_bounded(text, i, i + cue.len()) && !cue.ends_with("no") {
                continue;
            }
            out.push(Warning {
                code: "location_context".into(),
                span: Span::new(i, i + cue.len()),
                message: "a location may identify a third party's household".into(),
            });
        }
    }
    out
}

/// True when `span` is a whole greeting or sign-off line: alone on its line
/// (`Priya`, `Helen,`) or after a greeting word (`Dear Helen`, `Hi Tom,`),
/// trailing punctuation allowed.
fn greeting_or_sign_off(text: &str, span: Span) -> bool {
    let (Some(before), Some(after)) = (text.get(..span.start), text.get(span.end..)) else {
        return false;
    };
    let line_start = before.rsplit('\n').next().unwrap_or("");
    let line_end = after.split('\n').next().unwrap_or("");
    let lead = line_start
        .trim()
        .trim_end_matches(',')
        .trim()
        .to_lowercase();
    let lead_ok = lead.is_empty()
        || [
            "dear",
            "hi",
            "hello",
            "morning",
            "afternoon",
            "thanks",
            "thank you",
            "cheers",
        ]
        .contains(&lead.as_str());
    let tail_ok = line_end
        .trim()
        .chars()
        .all(|c| matches!(c, ',' | '.' | '!' | ':' | '-'));
    lead_ok && tail_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_span_titles_are_the_old_list() {
        let old = [
            "mr",
            "mrs",
            "ms",
            "miss",
            "mx",
            "dr",
            "rev",
            "revd",
            "sir",
            "dame",
            "lady",
            "lord",
            "prof",
            "professor",
            "cllr",
            "councillor",
        ];
        let now: Vec<&str> = sarx_model::vocab::TITLES
            .iter()
            .map(|t| t.word)
            .filter(|w| title_word(w))
            .collect();
        assert_eq!(now.len(), old.len(), "{now:?}");
        assert!(old.iter().all(|w| title_word(w)));
    }

    fn staff() -> StaffDirectory {
        StaffDirectory::from_reader(
            "name,job_title,organisation,email,phone\n\
             Helen Marsh,ASB Officer,NHA,h.marsh@example.org,\n\
             Priya Chaudhry,Housing Officer,NHA,p.chaudhry@example.org,\n"
                .as_bytes(),
        )
        .unwrap()
    }

    /// The words of `text` the plan withholds.
    fn redacted(engine: &Engine, text: &str) -> Vec<String> {
        engine
            .plan_text(&RecordId::new("s", "l"), text, None)
            .redactions
            .iter()
            .map(|r| text[r.span.start..r.span.end].to_owned())
            .collect()
    }

    #[test]
    fn staff_forenames_in_greetings_and_sign_offs_of_their_own_mail_are_staff() {
        let engine = Engine::builder().staff(staff()).build().unwrap();
        let mail = "From: \"Priya Chaudhry\" <p.chaudhry@example.org>\n\
                    To: \"Helen Marsh\" <h.marsh@example.org>\n\
                    Subject: ASB 0012\n\n\
                    Helen,\n\n\
                    Mrs Okafor called again about the noise from next door.\n\n\
                    Priya\n";
        let r = redacted(&engine, mail);
        assert!(
            !r.iter().any(|s| s.contains("Helen") || s.contains("Priya")),
            "{r:?}"
        );
    }

    #[test]
    fn a_lone_forename_is_not_staff_without_the_member_or_outside_a_greeting() {
        let engine = Engine::builder().staff(staff()).build().unwrap();
        // Nobody from the directory is named: a neighbour called Helen.
        let note = "Dear Helen,\n\nThank you for your statement about the flat above.\n";
        assert!(redacted(&engine, note).iter().any(|s| s == "Helen"));
        // The member is named, but this Helen is mid-sentence.
        let mixed =
            "From: h.marsh@example.org\n\nThe witness, Helen, saw Mr Grant Wilson at the door.\n";
        assert!(redacted(&engine, mixed).iter().any(|s| s == "Helen"));
    }
}
