//! Conversation threading and de-duplication keys for messages.
// PLACEHOLDER: to be implemented by the mailbox helper.
