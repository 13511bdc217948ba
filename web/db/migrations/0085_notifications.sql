-- 0085 notifications through channels (issue 15, item 5).
--
-- notification_contacts: where a person is reached on a channel (a mobile number for
-- "sms", a WeChat official-account OpenID for "wechat"); set by the person.
--
-- notifications: a message to one user on one channel (bid-deadline reminders and
-- result notices; draw invitations keep draw_notifications, which a timeout relies on).
-- dedupe_key makes each trigger idempotent: a reminder is queued once per tender,
-- user and channel however often the job runs. Delivery is retried a bounded number
-- of times (accounts/notifications/model.py MAX_ATTEMPTS); a notification whose last
-- attempt failed stays 'failed' and is listed for centre staff.
--
-- draw_notifications gain the same bounded retry (attempts, next_attempt_at) and the
-- template parameters an SMS or WeChat template needs.

CREATE TABLE notification_contacts (
    user_id uuid NOT NULL REFERENCES users (id),
    channel text NOT NULL CHECK (channel ~ '^[a-z][a-z0-9_]{0,31}$'),
    address text NOT NULL CHECK (length(address) BETWEEN 1 AND 128),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (user_id, channel)
);

CREATE TABLE notifications (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind text NOT NULL CHECK (kind IN ('bid_deadline', 'result')),
    dedupe_key text NOT NULL UNIQUE CHECK (length(dedupe_key) BETWEEN 1 AND 300),
    user_id uuid NOT NULL REFERENCES users (id),
    tender_id uuid REFERENCES tenders (id),
    channel text NOT NULL CHECK (channel ~ '^[a-z][a-z0-9_]{0,31}$'),
    params jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(params) = 'object'),
    body text NOT NULL CHECK (length(body) BETWEEN 1 AND 1000),
    state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts integer NOT NULL DEFAULT 0 CHECK (attempts BETWEEN 0 AND 20),
    next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX notifications_due_idx ON notifications (next_attempt_at) WHERE state = 'pending';
CREATE INDEX notifications_failed_idx ON notifications (created_at) WHERE state = 'failed';
CREATE INDEX notifications_tender_idx ON notifications (tender_id);

CREATE TABLE notification_attempts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notification_id uuid NOT NULL REFERENCES notifications (id),
    status text NOT NULL CHECK (status IN ('delivered', 'failed')),
    detail text NOT NULL DEFAULT '' CHECK (length(detail) <= 500),
    at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX notification_attempts_notification_idx ON notification_attempts (notification_id, id);

ALTER TABLE draw_notifications
    ADD COLUMN params jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(params) = 'object'),
    ADD COLUMN attempts integer NOT NULL DEFAULT 0 CHECK (attempts BETWEEN 0 AND 20),
    ADD COLUMN next_attempt_at timestamptz;
