-- 0013: 0011's entropy CHECK used a regex repetition count above PostgreSQL's limit
-- (255), so every contribution failed. Same rule, written within the limit:
-- lowercase hex of whole bytes, 128 to 4096 bits (docs/formats/draw.md §3).
ALTER TABLE draw_entropy DROP CONSTRAINT draw_entropy_entropy_check;
ALTER TABLE draw_entropy ADD CONSTRAINT draw_entropy_entropy_check
    CHECK (entropy ~ '^([0-9a-f]{2})+$' AND length(entropy) BETWEEN 32 AND 1024);
