-- The relay deletes events published longer ago than PES_OUTBOX_RETENTION_HOURS, oldest first, a
-- batch at a time; without this index each batch would scan the whole outbox. Partial: a new row
-- (published_at NULL) does not touch it, so recording a validation costs no more.
CREATE INDEX IF NOT EXISTS event_outbox_published ON event_outbox (published_at) WHERE published_at IS NOT NULL;
