-- Issue 15 (5): secrets at rest. cluster_secrets rows are sealed (AES-256-GCM) with a key that is
-- never in PostgreSQL (RESPOOL_SECRETS_KEY, secretsKeyFile, or <home>/secrets.key); rows written in
-- clear by earlier versions are sealed by the first gateway that starts on this version. JWT keys
-- are named 'jwt' (the first, kid "jwt") or 'jwt:<kid>'; the newest signs, all kept verify.
ALTER TABLE cluster_secrets ADD COLUMN sealed boolean NOT NULL DEFAULT false;
