//! The statutory clock: UK GDPR Art. 12(3) as explained by the ICO, with the
//! "stop the clock" rule of the Data (Use and Access) Act 2025 (Art. 12A).
//!
//! * The day of receipt is day one; the deadline is the corresponding
//!   calendar day of the next month. When that day does not exist (received
//!   31 March: there is no 31 April) it is the last day of that month.
//! * A deadline on a Saturday, Sunday or bank holiday moves to the next
//!   working day.
//! * Extension (complex or numerous requests): two further months,
//!   computed from the original receipt; the requester must be told within
//!   the first month, so the notice date is the one-month deadline.
//! * Clock stops: while the controller waits for proof of identity,
//!   clarification or a fee, the time limit does not run. It resumes when
//!   the information arrives. Every paused day (pause date up to, not
//!   including, the resume date) moves the deadline one day later, before the
//!   working-day roll-forward. An open pause counts up to the `as_of` date.
//!
//! ```
//! use jiff::civil::date;
//! use sarx_case::deadline::{compute, ClockEvent};
//! use sarx_case::holidays::{Holidays, Nation};
//! let h = Holidays::for_nation(Nation::EnglandAndWales).unwrap();
//! let s = compute(date(2025, 9, 3), &[], &h, date(2025, 9, 10)).unwrap();
//! assert_eq!(s.deadline, date(2025, 10, 3));
//! assert_eq!(s.days_left, 23);
//! ```

use jiff::civil::Date;
use jiff::ToSpan;
use serde::{Deserialize, Serialize};

use crate::holidays::Holidays;
use crate::Error;

/// Why the clock was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// Waiting for proof of identity.
    Id,
    /// Waiting for clarification of the request.
    Clarification,
    /// Waiting for a fee (manifestly unfounded or excessive requests).
    Fee,
}

impl StopReason {
    /// The code used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            StopReason::Id => "id",
            StopReason::Clarification => "clarification",
            StopReason::Fee => "fee",
        }
    }

    /// Parses `id`, `clarification` or `fee`.
    pub fn parse(s: &str) -> Option<StopReason> {
        match s {
            "id" => Some(StopReason::Id),
            "clarification" => Some(StopReason::Clarification),
            "fee" => Some(StopReason::Fee),
            _ => None,
        }
    }
}

/// One event on a case's clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ClockEvent {
    /// The clock stops on `on`.
    Pause {
        /// Date the information was requested.
        on: Date,
        /// What the controller is waiting for.
        reason: StopReason,
    },
    /// The clock restarts on `on` (the information arrived).
    Resume {
        /// Date the information was received.
        on: Date,
    },
    /// The time limit is extended by two further months.
    Extend {
        /// Date the extension was decided.
        on: Date,
        /// Why (complexity, number of requests).
        reason: String,
    },
}

impl ClockEvent {
    /// The event's date.
    pub fn on(&self) -> Date {
        match self {
            ClockEvent::Pause { on, .. }
            | ClockEvent::Resume { on }
            | ClockEvent::Extend { on, .. } => *on,
        }
    }
}

/// The clock's state on a given day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockStatus {
    /// Date the request was received (day one).
    pub received: Date,
    /// The one-month deadline, after clock stops and roll-forward.
    pub one_month_deadline: Date,
    /// The deadline in force: the extended one when extended.
    pub deadline: Date,
    /// The extended deadline (three months from receipt plus stops), when extended.
    pub extended_deadline: Option<Date>,
    /// Why the deadline was extended.
    pub extension_reason: Option<String>,
    /// The date by which the requester must be told of an extension.
    pub tell_extension_by: Date,
    /// True when the extension was decided after `tell_extension_by`.
    pub extension_notice_late: bool,
    /// Days the clock has been stopped in total.
    pub paused_days: i32,
    /// When the clock is stopped now: since when and why.
    pub paused_since: Option<(Date, StopReason)>,
    /// The day this status was computed for.
    pub as_of: Date,
    /// Calendar days from `as_of` to `deadline` (negative when overdue).
    pub days_left: i32,
    /// True when a date fell outside the bank-holiday table's years.
    pub outside_holiday_table: bool,
}

fn add_months(d: Date, months: i32) -> Result<Date, Error> {
    // jiff clamps the day to the end of a shorter month: 31 Jan + 1 month = 28/29 Feb.
    d.checked_add(months.months())
        .map_err(|_| Error::DateOutOfRange)
}

fn add_days(d: Date, days: i32) -> Result<Date, Error> {
    d.checked_add(days.days())
        .map_err(|_| Error::DateOutOfRange)
}

fn days_between(a: Date, b: Date) -> Result<i32, Error> {
    let span = a.until(b).map_err(|_| Error::DateOutOfRange)?;
    Ok(span.get_days())
}

/// The one-month deadline for a request received on `received` with no stops.
pub fn one_month(received: Date, holidays: &Holidays) -> Result<Date, Error> {
    Ok(holidays.roll_forward(add_months(received, 1)?))
}

/// Computes the clock's state from the receipt date and its events.
///
/// Events must be in date order, on or after `received`; a resume needs an
/// open pause and a pause needs a running clock; only one extension.
pub fn compute(
    received: Date,
    events: &[ClockEvent],
    holidays: &Holidays,
    as_of: Date,
) -> Result<ClockStatus, Error> {
    let mut paused_days = 0i32;
    let mut open: Option<(Date, StopReason)> = None;
    let mut extension: Option<(Date, String)> = None;
    let mut last = received;
    for ev in events {
        let on = ev.on();
        if on < last {
            return Err(Error::Clock(format!(
                "event on {on} is before the previous event or the receipt date ({last})"
            )));
        }
        last = on;
        match ev {
            ClockEvent::Pause { reason, .. } => {
                if open.is_some() {
                    return Err(Error::Clock(format!(
                        "pause on {on}: the clock is already stopped"
                    )));
                }
                open = Some((on, *reason));
            }
            ClockEvent::Resume { .. } => match open.take() {
                Some((p, _)) => paused_days += days_between(p, on)?,
                None => {
                    return Err(Error::Clock(format!(
                        "resume on {on}: the clock is not stopped"
                    )))
                }
            },
            ClockEvent::Extend { reason, .. } => {
                if extension.is_some() {
                    return Err(Error::Clock(format!(
                        "extend on {on}: the deadline is already extended (two months is the most the law allows)"
                    )));
                }
                extension = Some((on, reason.clone()));
            }
        }
    }
    if let Some((p, _)) = open {
        if as_of > p {
            paused_days += days_between(p, as_of)?;
        }
    }
    let one_month_deadline =
        holidays.roll_forward(add_days(add_months(received, 1)?, paused_days)?);
    let extended_deadline = match &extension {
        Some(_) => Some(holidays.roll_forward(add_days(add_months(received, 3)?, paused_days)?)),
        None => None,
    };
    let deadline = extended_deadline.unwrap_or(one_month_deadline);
    let extension_notice_late = extension
        .as_ref()
        .is_some_and(|(on, _)| *on > one_month_deadline);
    let outside_holiday_table = !holidays.covers(received) || !holidays.covers(deadline);
    Ok(ClockStatus {
        received,
        one_month_deadline,
        deadline,
        extended_deadline,
        extension_reason: extension.map(|(_, r)| r),
        tell_extension_by: one_month_deadline,
        extension_notice_late,
        paused_days,
        paused_since: open,
        as_of,
        days_left: days_between(as_of, deadline)?,
        outside_holiday_table,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::holidays::Nation;
    use jiff::civil::date;

    fn ew() -> Holidays {
        Holidays::for_nation(Nation::EnglandAndWales).unwrap()
    }
    fn dl(y: i16, m: i8, d: i8) -> Date {
        one_month(date(y, m, d), &ew()).unwrap()
    }

    #[test]
    fn ico_worked_examples() {
        // Received 3 September -> 3 October (2024: Thursday).
        assert_eq!(dl(2024, 9, 3), date(2024, 10, 3));
        // Received 31 March -> 30 April (no 31 April). 2025-04-30 is a Wednesday.
        assert_eq!(dl(2025, 3, 31), date(2025, 4, 30));
        // Received 31 January in a leap year -> 29 February (2024: Thursday).
        assert_eq!(dl(2024, 1, 31), date(2024, 2, 29));
        // Not a leap year -> 28 February (2025: Friday).
        assert_eq!(dl(2025, 1, 31), date(2025, 2, 28));
        // 30 and 29 January 2024 -> 29 February too (clamped).
        assert_eq!(dl(2024, 1, 30), date(2024, 2, 29));
        assert_eq!(dl(2024, 1, 29), date(2024, 2, 29));
    }

    #[test]
    fn month_ends() {
        // 31 August -> 30 September (2023: Saturday -> Monday 2 October).
        assert_eq!(dl(2023, 8, 31), date(2023, 10, 2));
        // 30 November -> 30 December 2026 (Wednesday).
        assert_eq!(dl(2026, 11, 30), date(2026, 12, 30));
        // 31 May 2025 -> 30 June 2025 (Monday).
        assert_eq!(dl(2025, 5, 31), date(2025, 6, 30));
        // 28 February 2025 -> 28 March 2025 (Friday).
        assert_eq!(dl(2025, 2, 28), date(2025, 3, 28));
        // 29 February 2024 -> 29 March 2024 is Good Friday, then the weekend, then Easter Monday -> 2 April.
        assert_eq!(dl(2024, 2, 29), date(2024, 4, 2));
    }

    #[test]
    fn weekend_roll_forward() {
        // 5 October 2024 is a Saturday -> Monday 7 October.
        assert_eq!(dl(2024, 9, 5), date(2024, 10, 7));
        // 6 October 2024 is a Sunday -> Monday 7 October.
        assert_eq!(dl(2024, 9, 6), date(2024, 10, 7));
    }

    #[test]
    fn christmas_and_new_year_runs() {
        // 25 Dec 2025 (Thu) and 26 (Fri), then the weekend -> Monday 29 December.
        assert_eq!(dl(2025, 11, 25), date(2025, 12, 29));
        assert_eq!(dl(2025, 11, 26), date(2025, 12, 29));
        assert_eq!(dl(2025, 11, 27), date(2025, 12, 29));
        // 2022: 25 Sun, 26 Mon (Boxing), 27 Tue (substitute) -> Wednesday 28.
        assert_eq!(dl(2022, 11, 24), date(2022, 12, 28));
        assert_eq!(dl(2022, 11, 25), date(2022, 12, 28));
        // 1 January 2022 (Sat) -> substitute Monday 3 -> Tuesday 4 in England...
        assert_eq!(dl(2021, 12, 1), date(2022, 1, 4));
        // ...and Wednesday 5 in Scotland (2 January substitute on 4th).
        let sc = Holidays::for_nation(Nation::Scotland).unwrap();
        assert_eq!(one_month(date(2021, 12, 1), &sc).unwrap(), date(2022, 1, 5));
    }

    #[test]
    fn easter_runs() {
        // Good Friday 18 April 2025, Easter Monday 21 April -> Tuesday 22 April.
        assert_eq!(dl(2025, 3, 18), date(2025, 4, 22));
        assert_eq!(dl(2025, 3, 21), date(2025, 4, 22));
        // Scotland has no Easter Monday: 21 April is a working day there.
        let sc = Holidays::for_nation(Nation::Scotland).unwrap();
        assert_eq!(
            one_month(date(2025, 3, 18), &sc).unwrap(),
            date(2025, 4, 21)
        );
        // Coronation 8 May 2023 (Mon) -> Tuesday 9 May.
        assert_eq!(dl(2023, 4, 8), date(2023, 5, 9));
        // Platinum Jubilee: Thursday 2 and Friday 3 June 2022 -> Monday 6 June.
        assert_eq!(dl(2022, 5, 2), date(2022, 6, 6));
        // State funeral Monday 19 September 2022 -> Tuesday 20.
        assert_eq!(dl(2022, 8, 19), date(2022, 9, 20));
    }

    #[test]
    fn extension_is_from_original_receipt() {
        let events = [ClockEvent::Extend {
            on: date(2025, 2, 10),
            reason: "complex".into(),
        }];
        let s = compute(date(2025, 1, 31), &events, &ew(), date(2025, 2, 1)).unwrap();
        assert_eq!(s.one_month_deadline, date(2025, 2, 28));
        // 31 January + 3 months = 30 April 2025 (Wednesday).
        assert_eq!(s.extended_deadline, Some(date(2025, 4, 30)));
        assert_eq!(s.deadline, date(2025, 4, 30));
        assert_eq!(s.tell_extension_by, date(2025, 2, 28));
        assert!(!s.extension_notice_late);
        let late = [ClockEvent::Extend {
            on: date(2025, 3, 3),
            reason: "complex".into(),
        }];
        let s = compute(date(2025, 1, 31), &late, &ew(), date(2025, 3, 3)).unwrap();
        assert!(s.extension_notice_late);
    }

    #[test]
    fn clock_stops_move_the_deadline() {
        // Received 3 Sep 2024; clarification asked on 10 Sep, received on 17 Sep: 7 days.
        let events = [
            ClockEvent::Pause {
                on: date(2024, 9, 10),
                reason: StopReason::Clarification,
            },
            ClockEvent::Resume {
                on: date(2024, 9, 17),
            },
        ];
        let s = compute(date(2024, 9, 3), &events, &ew(), date(2024, 9, 20)).unwrap();
        assert_eq!(s.paused_days, 7);
        assert_eq!(s.deadline, date(2024, 10, 10));
        assert_eq!(s.days_left, 20);
        assert!(s.paused_since.is_none());
        // Waiting for ID from the day of receipt: the period runs from the resume date.
        let events = [
            ClockEvent::Pause {
                on: date(2024, 9, 3),
                reason: StopReason::Id,
            },
            ClockEvent::Resume {
                on: date(2024, 9, 13),
            },
        ];
        let s = compute(date(2024, 9, 3), &events, &ew(), date(2024, 9, 13)).unwrap();
        assert_eq!(s.deadline, date(2024, 10, 14)); // 13 Oct is a Sunday
    }

    #[test]
    fn open_pause_counts_to_as_of() {
        let events = [ClockEvent::Pause {
            on: date(2024, 9, 10),
            reason: StopReason::Fee,
        }];
        let s = compute(date(2024, 9, 3), &events, &ew(), date(2024, 9, 12)).unwrap();
        assert_eq!(s.paused_days, 2);
        assert_eq!(s.paused_since, Some((date(2024, 9, 10), StopReason::Fee)));
        assert_eq!(s.deadline, date(2024, 10, 7)); // 5 Oct Sat -> Mon 7
    }

    #[test]
    fn invalid_event_sequences_are_rejected() {
        let d = date(2024, 9, 3);
        let e = [ClockEvent::Resume {
            on: date(2024, 9, 4),
        }];
        assert!(matches!(compute(d, &e, &ew(), d), Err(Error::Clock(_))));
        let e = [
            ClockEvent::Pause {
                on: date(2024, 9, 4),
                reason: StopReason::Id,
            },
            ClockEvent::Pause {
                on: date(2024, 9, 5),
                reason: StopReason::Id,
            },
        ];
        assert!(matches!(compute(d, &e, &ew(), d), Err(Error::Clock(_))));
        let e = [ClockEvent::Pause {
            on: date(2024, 9, 1),
            reason: StopReason::Id,
        }];
        assert!(matches!(compute(d, &e, &ew(), d), Err(Error::Clock(_))));
        let e = [
            ClockEvent::Extend {
                on: date(2024, 9, 4),
                reason: "a".into(),
            },
            ClockEvent::Extend {
                on: date(2024, 9, 5),
                reason: "b".into(),
            },
        ];
        assert!(matches!(compute(d, &e, &ew(), d), Err(Error::Clock(_))));
    }

    #[test]
    fn overdue_is_negative() {
        let s = compute(date(2024, 9, 3), &[], &ew(), date(2024, 10, 8)).unwrap();
        assert_eq!(s.days_left, -5);
    }
}
