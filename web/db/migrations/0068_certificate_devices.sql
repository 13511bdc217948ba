-- 0068 device binding of signing certificates (issue 12: one signing module in the
-- browser).
--
-- A key made in a browser (WebCrypto, not extractable) never leaves that browser: its
-- certificate, registered by proof of possession, is bound to one member (a certificate
-- is registered to one user only, 0041) and to that device. The registration says so;
-- a certificate registered without a device (a CA's key file, a token) has neither.
-- A tender may refuse device keys for its members' signatures (tender field
-- signing_keys "ca", docs/api-tenders.md).

ALTER TABLE user_certificates
    ADD COLUMN device_kind text CHECK (device_kind IN ('browser')),
    ADD COLUMN device_label text CHECK (
        device_label IS NULL OR (char_length(device_label) BETWEEN 1 AND 64
                                 AND btrim(device_label) <> '')
    ),
    ADD CONSTRAINT user_certificates_device_whole
        CHECK ((device_kind IS NULL) = (device_label IS NULL));
