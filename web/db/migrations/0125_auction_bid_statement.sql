-- 0125 a bid judged and written in one statement under the auction's row lock (issue 18,
-- item 2; docs/formats/auction.md §5, §7; docs/performance.md, "The timed auction's last
-- second"). A bid used to hold the lock for ~13 round trips between the server and the
-- database — and every one of them waited for the server's event loop, busy with a
-- room's fan-out in a last-second rush; bids are serialised by that lock, so the chain of
-- bids following each other broke. Now the caller checks the signed form and the signer
-- before (rules 1–3), then sends this one statement in autocommit: the lock, the clock,
-- rules 4–12 in the document's order, and for an accepted bid its row, the standing price
-- and the end, the bidder's count, its queued log entry and its three live events with
-- their notifications — and the statement's own commit releases the lock. The rules as
-- values are listing/auction/model.py's decide_bid; tests/listing/auction checks that this
-- function answers as it does.

-- The log's and the events' time format (signing.log.entry.format_time).
CREATE FUNCTION auction_time_text(t timestamptz) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;

-- A refusal is a row with `refused` (the error code) and `details`, and nothing written;
-- an accepted bid's row has its number, phase, time, end, log queue id and the seq of
-- its first event (`bid.placed`, which carries the client's id: a retry finds it).
-- p_entry is the log entry's exact bytes (RFC 8785) as a format() template whose %1$s is
-- the bid's number, %2$s its phase, %3$s its time, %4$s the end after it
-- (listing/auction/service.py, log_template).
CREATE FUNCTION auction_place_bid(
    p_auction bigint, p_account uuid, p_number text, p_seq integer, p_price bigint,
    p_standing bigint, p_form bytea, p_signature bytea, p_signer text, p_entry text,
    p_client_msg text, p_command_sha256 text,
    OUT refused text, OUT details jsonb, OUT n integer, OUT phase text,
    OUT placed_at timestamptz, OUT ends_at timestamptz, OUT log_queued bigint,
    OUT event_seq bigint
) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    a public.auctions%ROWTYPE;
    b public.auction_bidders%ROWTYPE;
    now_ timestamptz;
    minimum bigint;
    leader uuid;
    last bigint;
    public_data jsonb;
    events integer;
BEGIN
    SELECT * INTO a FROM public.auctions WHERE id = p_auction FOR UPDATE;
    IF NOT FOUND THEN
        refused := 'auction_not_found';
        RETURN;
    END IF;
    -- §2: the bid's time is the database clock read once the lock is held.
    now_ := auction_clock();
    SELECT * INTO b FROM public.auction_bidders
    WHERE auction_id = p_auction AND account_id = p_account;
    IF NOT FOUND OR b.number <> p_number THEN                                   -- rule 4
        refused := 'auction_bidder_unknown';
        RETURN;
    END IF;
    phase := a.phase;
    IF phase = 'countdown' AND now_ >= a.ends_at THEN
        phase := 'ended';  -- a countdown past its end is over for every reader (§2)
    END IF;
    IF phase = 'listing' AND now_ < a.listing_starts_at THEN                    -- rule 5
        refused := 'auction_not_started';
        details := jsonb_build_object('starts_at', auction_time_text(a.listing_starts_at),
                                      'now', auction_time_text(now_));
        RETURN;
    END IF;
    IF phase = 'ended' OR now_ >= a.ends_at THEN                                -- rule 6
        refused := 'auction_ended';
        details := jsonb_build_object('ends_at', auction_time_text(a.ends_at),
                                      'now', auction_time_text(now_));
        RETURN;
    END IF;
    IF phase = 'countdown' AND NOT b.in_countdown THEN                         -- rule 7
        refused := 'auction_bidder_not_in_countdown';
        RETURN;
    END IF;
    IF p_seq <> b.bids + 1 THEN                                                 -- rules 8, 9
        refused := CASE WHEN p_seq < b.bids + 1 THEN 'auction_bid_replayed'
                        ELSE 'auction_bid_out_of_order' END;
        details := jsonb_build_object('next_seq', b.bids + 1);
        RETURN;
    END IF;
    IF p_standing IS DISTINCT FROM a.standing_price_fen THEN                    -- rule 10
        refused := 'auction_bid_stale';
        details := jsonb_build_object('standing_fen', a.standing_price_fen);
        RETURN;
    END IF;
    IF a.standing_number = b.number THEN                                        -- rule 11
        refused := 'auction_already_leading';
        RETURN;
    END IF;
    minimum := coalesce(a.standing_price_fen + a.increment_fen, a.start_price_fen);
    IF NOT (minimum <= p_price AND p_price <= 1000000000000000) THEN            -- rule 12
        refused := 'auction_bid_too_low';
        details := jsonb_build_object('minimum_fen', minimum,
                                      'standing_fen', a.standing_price_fen);
        RETURN;
    END IF;

    -- Accepted: a bid in the countdown restarts it from its own time (§2).
    n := a.bids + 1;
    placed_at := now_;
    ends_at := a.ends_at;
    IF phase = 'countdown' THEN
        ends_at := now_ + make_interval(secs => a.countdown_seconds);
    END IF;
    SELECT account_id INTO leader FROM public.auction_bidders
    WHERE auction_id = p_auction AND number = a.standing_number;
    INSERT INTO public.log_queue (entry, kind)
    VALUES (convert_to(format(p_entry, n, phase, auction_time_text(now_),
                              auction_time_text(ends_at)), 'UTF8'),
            'auction.bid_placed')
    RETURNING id INTO log_queued;
    INSERT INTO public.auction_bids (auction_id, n, number, bidder_seq, phase, price_fen,
                                     placed_at, ends_at, form, signature,
                                     signer_cert_sha256, log_queued)
    VALUES (p_auction, n, b.number, p_seq, phase, p_price, now_, ends_at, p_form,
            p_signature, p_signer, log_queued);
    UPDATE public.auctions
    SET standing_price_fen = p_price, standing_number = b.number, bids = n,
        ends_at = auction_place_bid.ends_at
    WHERE id = p_auction;
    UPDATE public.auction_bidders SET bids = bids + 1
    WHERE auction_id = p_auction AND number = b.number;

    -- §6.1: bid.placed to all (with the client's id and the command's digest, as the
    -- live engine stores a command's first event), bid.accepted to the bidder,
    -- bid.outbid to the previous leader; numbered under the session's row lock.
    public_data := jsonb_build_object(
        'bid', n, 'price_fen', p_price, 'phase', phase, 'at', auction_time_text(now_),
        'ends_at', auction_time_text(ends_at), 'minimum_fen', p_price + a.increment_fen);
    events := CASE WHEN leader IS NULL THEN 2 ELSE 3 END;
    UPDATE public.live_sessions SET last_seq = last_seq + events
    WHERE id = a.live_session_id RETURNING last_seq INTO last;
    event_seq := last - events + 1;
    INSERT INTO public.live_events
        (session_id, seq, kind, data, audience, actor_id, client_msg_id, command_sha256)
    VALUES (a.live_session_id, event_seq, 'bid.placed', public_data, 'all', p_account,
            p_client_msg, p_command_sha256),
           (a.live_session_id, event_seq + 1, 'bid.accepted',
            public_data || jsonb_build_object('number', b.number, 'seq', p_seq),
            'user:' || p_account::text, p_account, NULL, NULL);
    IF leader IS NOT NULL THEN
        INSERT INTO public.live_events (session_id, seq, kind, data, audience, actor_id)
        VALUES (a.live_session_id, event_seq + 2, 'bid.outbid', public_data,
                'user:' || leader::text, p_account);
    END IF;
    FOR i IN 0 .. events - 1 LOOP
        -- Transactional: delivered at commit (live/queries.py, append_event).
        PERFORM pg_notify('etender_live', a.live_session_id::text || ':' || (event_seq + i));
    END LOOP;
END
$$;
