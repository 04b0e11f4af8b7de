--
-- PostgreSQL database dump
--

\restrict lJ4WWyqp13g1sSZNjecsQPmfb09ntXbmjKd8GvJC34FyKEYpv48MZgNyjsc8fZn

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: pg_trgm; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;


--
-- Name: EXTENSION pg_trgm; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON EXTENSION pg_trgm IS 'text similarity measurement and index searching based on trigrams';


--
-- Name: audit_log_is_append_only(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.audit_log_is_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;


--
-- Name: funnel_bucket(double precision); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.funnel_bucket(seconds double precision) RETURNS integer
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT CASE WHEN seconds < 1 THEN 0 ELSE 1 + floor(ln(seconds) / ln(1.05))::integer END
$$;


--
-- Name: refuse_restricted(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.refuse_restricted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    who uuid;
BEGIN
    IF TG_TABLE_NAME = 'evaluations' THEN
        SELECT applicant_id INTO who FROM applications WHERE id = NEW.application_id;
    ELSE
        who := NEW.applicant_id;
    END IF;
    -- FOR SHARE: a restriction committing meanwhile is waited for, then seen
    PERFORM 1 FROM applicants WHERE id = who AND restricted_at IS NOT NULL FOR SHARE;
    IF FOUND THEN
        RAISE EXCEPTION 'the record is restricted' USING ERRCODE = 'RD001';
    END IF;
    RETURN NEW;
END $$;


--
-- Name: retention_rules_rebuild(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.retention_rules_rebuild() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    -- Lock first: the next statement's snapshot then sees any change committed by a
    -- transaction that held the lock before us.
    PERFORM 1 FROM retention_rules_doc FOR UPDATE;
    UPDATE retention_rules_doc SET doc = (
        (SELECT coalesce(jsonb_agg(jsonb_build_object('outcome', outcome, 'country', country,
            'region', nullif(region, ''), 'retain_days', retain_days)), '[]') FROM retention_policies)
        || (SELECT coalesce(jsonb_agg(jsonb_build_object('outcome', 'floor', 'country', country,
            'region', nullif(region, ''), 'retain_days', retain_days, 'basis', basis)), '[]')
            FROM retention_floors))::text;
    RETURN NULL;
END;
$$;


--
-- Name: rfc3339(timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rfc3339(t timestamp with time zone) RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') $$;


--
-- Name: staff_keys_changed(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.staff_keys_changed() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM pg_notify('recruitd_staff_keys', OLD.key_id);
    RETURN NULL;
END;
$$;


--
-- Name: stage_events_leave(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.stage_events_leave() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    k smallint := floor(random() * 16); -- the shard this event's counts go to
    was text;
    since timestamptz;
BEGIN
    UPDATE stage_events SET left_at = NEW.at
    WHERE track = NEW.track AND left_at IS NULL AND (at, id) < (NEW.at, NEW.id)
    RETURNING stage, at INTO was, since;
    INSERT INTO funnel_reached AS r (stage, shard, n) VALUES (NEW.stage, k, 1)
        ON CONFLICT (stage, shard) DO UPDATE SET n = r.n + 1;
    IF was IS NOT NULL THEN
        INSERT INTO funnel_stays AS s (stage, bucket, shard, n)
        VALUES (was, funnel_bucket(extract(epoch FROM NEW.at - since)), k, 1)
            ON CONFLICT (stage, bucket, shard) DO UPDATE SET n = s.n + 1;
    END IF;
    RETURN NULL;
END;
$$;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: applicant_tokens; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.applicant_tokens (
    key_id text NOT NULL,
    applicant_id uuid NOT NULL,
    secret_sha256 text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    signed_in_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    CONSTRAINT applicant_tokens_key_id_check CHECK ((key_id ~ '^[0-9a-f]{16}$'::text)),
    CONSTRAINT applicant_tokens_secret_sha256_check CHECK ((secret_sha256 ~ '^[0-9a-f]{64}$'::text))
);


--
-- Name: applicant_tombstones; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.applicant_tombstones (
    applicant_id uuid NOT NULL,
    disposition text NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL,
    employee_id uuid,
    run_id uuid,
    rule text,
    CONSTRAINT applicant_tombstones_disposition_check CHECK ((disposition = ANY (ARRAY['deleted'::text, 'transferred'::text, 'purged'::text])))
);


--
-- Name: applicants; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.applicants (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    full_name text,
    email text,
    phone text,
    title text,
    job_title text,
    address jsonb,
    social_handles jsonb,
    source_type text NOT NULL,
    source_detail text,
    marketing_opt_in boolean DEFAULT false NOT NULL,
    legal_hold_reason text,
    legal_hold_set_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    privacy_notice_version text,
    privacy_notice_accepted_at timestamp with time zone,
    age_16_or_over_at timestamp with time zone,
    sharing_opt_out boolean DEFAULT false NOT NULL,
    restricted_at timestamp with time zone,
    full_name_sealed bytea,
    email_sealed bytea,
    phone_sealed bytea,
    address_sealed bytea,
    social_sealed bytea,
    email_hash bytea,
    search_grams integer[],
    country text,
    region text,
    CONSTRAINT applicants_check CHECK (((legal_hold_reason IS NULL) = (legal_hold_set_at IS NULL))),
    CONSTRAINT applicants_source_type_check CHECK ((source_type = ANY (ARRAY['direct'::text, 'recruiter'::text, 'agency'::text, 'referral'::text, 'event'::text, 'import'::text])))
);


--
-- Name: application_history; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.application_history (
    id bigint NOT NULL,
    application_id uuid NOT NULL,
    from_stage text,
    to_stage text NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL,
    actor text NOT NULL,
    reason text
);


--
-- Name: application_history_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.application_history ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.application_history_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: applications; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.applications (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    applicant_id uuid NOT NULL,
    opening_id uuid NOT NULL,
    stage text NOT NULL,
    track uuid DEFAULT gen_random_uuid() NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    closed_at timestamp with time zone,
    version integer DEFAULT 1 NOT NULL,
    CONSTRAINT applications_stage_check CHECK ((stage = ANY (ARRAY['applied'::text, 'screening'::text, 'interview'::text, 'assessment'::text, 'background_check'::text, 'offer'::text, 'hired'::text, 'rejected'::text, 'withdrawn'::text])))
);


--
-- Name: audit_log; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_log (
    seq bigint NOT NULL,
    at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    actor text NOT NULL,
    action text NOT NULL,
    applicant_id uuid,
    target text,
    request_id text
);


--
-- Name: audit_log_seq_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.audit_log ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.audit_log_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: background_check_rules; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.background_check_rules (
    country text NOT NULL,
    region text DEFAULT ''::text NOT NULL,
    allowed boolean NOT NULL,
    note text,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_by text NOT NULL,
    check_order text DEFAULT 'before_offer'::text NOT NULL,
    CONSTRAINT background_check_rules_check_order_check CHECK ((check_order = ANY (ARRAY['before_offer'::text, 'after_offer'::text]))),
    CONSTRAINT background_check_rules_country_check CHECK ((country ~ '^[A-Z]{2}$'::text))
);


--
-- Name: documents; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.documents (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    applicant_id uuid NOT NULL,
    kind text NOT NULL,
    filename text NOT NULL,
    content_type text NOT NULL,
    size bigint NOT NULL,
    sha256 text NOT NULL,
    content bytea NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    sealed boolean DEFAULT false NOT NULL,
    CONSTRAINT documents_kind_check CHECK ((kind = ANY (ARRAY['resume'::text, 'cover_letter'::text, 'other'::text]))),
    CONSTRAINT documents_sha256_check CHECK ((sha256 ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT documents_size_check CHECK ((size > 0))
);
ALTER TABLE ONLY public.documents ALTER COLUMN content SET STORAGE EXTERNAL;


--
-- Name: email_changes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.email_changes (
    code_sha256 text NOT NULL,
    applicant_id uuid NOT NULL,
    sealed bytea NOT NULL,
    masked text NOT NULL,
    request_id uuid,
    finishes_request boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    CONSTRAINT email_changes_code_sha256_check CHECK ((code_sha256 ~ '^[0-9a-f]{64}$'::text))
);


--
-- Name: email_templates; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.email_templates (
    kind text NOT NULL,
    language text NOT NULL,
    subject text NOT NULL,
    body text NOT NULL,
    CONSTRAINT email_templates_body_check CHECK (((length(body) >= 1) AND (length(body) <= 10000))),
    CONSTRAINT email_templates_kind_check CHECK ((kind = ANY (ARRAY['rejection'::text, 'stage_change'::text]))),
    CONSTRAINT email_templates_language_check CHECK ((language ~ '^[a-z]{2}$'::text)),
    CONSTRAINT email_templates_subject_check CHECK (((length(subject) >= 1) AND (length(subject) <= 200)))
);


--
-- Name: employee_archive_chunks; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.employee_archive_chunks (
    employee_id uuid NOT NULL,
    seq integer NOT NULL,
    bytes bytea NOT NULL,
    CONSTRAINT employee_archive_chunks_seq_check CHECK ((seq >= 0))
);
ALTER TABLE ONLY public.employee_archive_chunks ALTER COLUMN bytes SET STORAGE EXTERNAL;


--
-- Name: employees; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.employees (
    id uuid NOT NULL,
    employee_number text NOT NULL,
    applicant_id uuid NOT NULL,
    application_id uuid NOT NULL,
    start_date date NOT NULL,
    hired_at timestamp with time zone NOT NULL,
    archive bytea,
    archive_size bigint NOT NULL,
    archive_sha256 text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    contact_key text,
    CONSTRAINT employees_archive_sha256_check CHECK ((archive_sha256 ~ '^[0-9a-f]{64}$'::text))
);
ALTER TABLE ONLY public.employees ALTER COLUMN archive SET STORAGE EXTERNAL;


--
-- Name: evaluations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.evaluations (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    application_id uuid NOT NULL,
    score smallint NOT NULL,
    summary text,
    author text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    summary_sealed bytea,
    CONSTRAINT evaluations_score_check CHECK (((score >= 1) AND (score <= 5)))
);


--
-- Name: export_chunks; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.export_chunks (
    export_id uuid NOT NULL,
    seq integer NOT NULL,
    bytes bytea NOT NULL,
    sealed boolean DEFAULT false NOT NULL,
    CONSTRAINT export_chunks_seq_check CHECK ((seq >= 0))
);
ALTER TABLE ONLY public.export_chunks ALTER COLUMN bytes SET STORAGE EXTERNAL;


--
-- Name: exports; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.exports (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    request_id uuid NOT NULL,
    applicant_id uuid NOT NULL,
    size bigint DEFAULT 0 NOT NULL,
    sha256 text,
    token_sha256 text,
    token_expires_at timestamp with time zone NOT NULL,
    downloads integer DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    CONSTRAINT exports_token_sha256_check CHECK ((token_sha256 ~ '^[0-9a-f]{64}$'::text))
);


--
-- Name: funnel_reached; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.funnel_reached (
    stage text NOT NULL,
    shard smallint NOT NULL,
    n bigint NOT NULL
);


--
-- Name: funnel_stays; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.funnel_stays (
    stage text NOT NULL,
    bucket integer NOT NULL,
    shard smallint NOT NULL,
    n bigint NOT NULL
);


--
-- Name: idempotency_keys; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.idempotency_keys (
    actor text NOT NULL,
    key_sha256 text NOT NULL,
    scope text NOT NULL,
    request_sha256 text NOT NULL,
    status integer NOT NULL,
    location text,
    applicant_id uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    resource_id uuid
);


--
-- Name: key_shreds; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.key_shreds (
    applicant_id uuid NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: mail_outbox; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.mail_outbox (
    id uuid NOT NULL,
    kind text NOT NULL,
    applicant_id uuid,
    to_address text,
    subject text,
    body text,
    request_id text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    next_attempt_at timestamp with time zone DEFAULT now() NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    finished_at timestamp with time zone,
    outcome text,
    CONSTRAINT mail_outbox_check CHECK (((status = 'pending'::text) OR ((to_address IS NULL) AND (subject IS NULL) AND (body IS NULL)))),
    CONSTRAINT mail_outbox_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'sent'::text, 'failed'::text])))
);


--
-- Name: openings; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.openings (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    title text NOT NULL,
    department text,
    country text,
    region text,
    location text,
    description text,
    status text DEFAULT 'open'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    employment_type text,
    valid_through timestamp with time zone,
    CONSTRAINT openings_country_check CHECK ((country ~ '^[A-Z]{2}$'::text)),
    CONSTRAINT openings_employment_type_check CHECK ((employment_type = ANY (ARRAY['full_time'::text, 'part_time'::text, 'contractor'::text, 'temporary'::text, 'intern'::text, 'volunteer'::text, 'per_diem'::text, 'other'::text]))),
    CONSTRAINT openings_status_check CHECK ((status = ANY (ARRAY['open'::text, 'closed'::text])))
);


--
-- Name: pending_submissions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.pending_submissions (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    code_sha256 text NOT NULL,
    full_name text,
    email text,
    phone text,
    opening_id uuid NOT NULL,
    marketing_opt_in boolean NOT NULL,
    sharing_opt_out boolean NOT NULL,
    privacy_notice_version text NOT NULL,
    accepted_at timestamp with time zone DEFAULT now() NOT NULL,
    filename text,
    content_type text NOT NULL,
    size bigint NOT NULL,
    sha256 text NOT NULL,
    content bytea NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    sealed bytea,
    email_hash bytea,
    CONSTRAINT pending_submissions_code_sha256_check CHECK ((code_sha256 ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT pending_submissions_sha256_check CHECK ((sha256 ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT pending_submissions_size_check CHECK ((size > 0))
);


--
-- Name: privacy_request_contacts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.privacy_request_contacts (
    request_id uuid NOT NULL,
    email text NOT NULL
);


--
-- Name: privacy_request_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.privacy_request_events (
    request_id uuid NOT NULL,
    at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    event text NOT NULL,
    actor_role text NOT NULL
);


--
-- Name: privacy_requests; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.privacy_requests (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    type text NOT NULL,
    status text NOT NULL,
    channel text NOT NULL,
    applicant_id uuid,
    email_masked text NOT NULL,
    received_at timestamp with time zone NOT NULL,
    confirm_by timestamp with time zone NOT NULL,
    confirmed_at timestamp with time zone,
    verification_level text DEFAULT 'none'::text NOT NULL,
    verified_at timestamp with time zone,
    data_points_matched integer DEFAULT 0 NOT NULL,
    declaration_signed_at timestamp with time zone,
    declaration_signed_name_sha256 text,
    failed_tries integer DEFAULT 0 NOT NULL,
    due_at timestamp with time zone NOT NULL,
    extended_due_at timestamp with time zone,
    extension_reason text,
    completed_at timestamp with time zone,
    outcome text,
    outcome_detail text,
    categories jsonb,
    items jsonb,
    corrections jsonb,
    details text,
    agent jsonb,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    employee_id uuid,
    status_reason text,
    CONSTRAINT privacy_requests_channel_check CHECK ((channel = ANY (ARRAY['web'::text, 'email'::text, 'phone'::text, 'mail'::text, 'in_person'::text, 'agent'::text]))),
    CONSTRAINT privacy_requests_outcome_check CHECK ((outcome = ANY (ARRAY['fulfilled'::text, 'partially_fulfilled'::text, 'denied'::text, 'no_record'::text]))),
    CONSTRAINT privacy_requests_status_check CHECK ((status = ANY (ARRAY['awaiting_verification'::text, 'in_progress'::text, 'completed'::text, 'denied'::text]))),
    CONSTRAINT privacy_requests_type_check CHECK ((type = ANY (ARRAY['know_categories'::text, 'know_specific'::text, 'delete'::text, 'correct'::text, 'opt_out'::text])))
);


--
-- Name: privacy_verifications; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.privacy_verifications (
    code_sha256 text NOT NULL,
    request_id uuid NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    CONSTRAINT privacy_verifications_code_sha256_check CHECK ((code_sha256 ~ '^[0-9a-f]{64}$'::text))
);


--
-- Name: purge_runs; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.purge_runs (
    id uuid NOT NULL,
    dry_run boolean NOT NULL,
    status text DEFAULT 'running'::text NOT NULL,
    actor text NOT NULL,
    started_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    finished_at timestamp with time zone,
    examined integer DEFAULT 0 NOT NULL,
    expired integer DEFAULT 0 NOT NULL,
    held integer DEFAULT 0 NOT NULL,
    purged integer DEFAULT 0 NOT NULL,
    by_rule jsonb DEFAULT '{}'::jsonb NOT NULL,
    applicant_ids jsonb DEFAULT '[]'::jsonb NOT NULL,
    swept jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT purge_runs_status_check CHECK ((status = ANY (ARRAY['running'::text, 'finished'::text, 'failed'::text])))
);


--
-- Name: rate_hits; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.rate_hits (
    endpoint text NOT NULL,
    key_sha256 text NOT NULL,
    window_start timestamp with time zone NOT NULL,
    hits integer NOT NULL
);


--
-- Name: retention_floors; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.retention_floors (
    country text NOT NULL,
    region text DEFAULT ''::text NOT NULL,
    retain_days integer NOT NULL,
    basis text NOT NULL,
    CONSTRAINT retention_floors_basis_check CHECK (((length(basis) >= 1) AND (length(basis) <= 200))),
    CONSTRAINT retention_floors_country_check CHECK ((country ~ '^[A-Z]{2}$'::text)),
    CONSTRAINT retention_floors_retain_days_check CHECK (((retain_days >= 0) AND (retain_days <= 36500)))
);


--
-- Name: retention_policies; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.retention_policies (
    outcome text NOT NULL,
    country text NOT NULL,
    region text DEFAULT ''::text NOT NULL,
    retain_days integer NOT NULL,
    CONSTRAINT retention_policies_check CHECK (((country <> '*'::text) OR (region = ''::text))),
    CONSTRAINT retention_policies_country_check CHECK (((country = '*'::text) OR (country ~ '^[A-Z]{2}$'::text))),
    CONSTRAINT retention_policies_outcome_check CHECK ((outcome = ANY (ARRAY['rejected'::text, 'withdrawn'::text, 'no_application'::text]))),
    CONSTRAINT retention_policies_retain_days_check CHECK (((retain_days >= 0) AND (retain_days <= 36500)))
);


--
-- Name: retention_rules_doc; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.retention_rules_doc (
    one boolean DEFAULT true NOT NULL,
    doc text NOT NULL,
    CONSTRAINT retention_rules_doc_one_check CHECK (one)
);


--
-- Name: rule_set_versions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.rule_set_versions (
    name text NOT NULL,
    version bigint DEFAULT 1 NOT NULL,
    CONSTRAINT rule_set_versions_version_check CHECK ((version > 0))
);


--
-- Name: schema_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_migrations (
    name text NOT NULL,
    sha256 text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: server_secrets; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.server_secrets (
    name text NOT NULL,
    secret bytea NOT NULL,
    CONSTRAINT server_secrets_secret_check CHECK ((length(secret) >= 32))
);


--
-- Name: sign_in_codes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sign_in_codes (
    code_sha256 text NOT NULL,
    applicant_id uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    CONSTRAINT sign_in_codes_code_sha256_check CHECK ((code_sha256 ~ '^[0-9a-f]{64}$'::text))
);


--
-- Name: staff_keys; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.staff_keys (
    key_id text NOT NULL,
    name text NOT NULL,
    role text NOT NULL,
    secret_sha256 text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    revoked_at timestamp with time zone,
    member_id uuid,
    CONSTRAINT staff_keys_key_id_check CHECK ((key_id ~ '^[0-9a-f]{16}$'::text)),
    CONSTRAINT staff_keys_name_check CHECK (((length(name) >= 1) AND (length(name) <= 64))),
    CONSTRAINT staff_keys_role_check CHECK ((role = ANY (ARRAY['recruiter'::text, 'hr'::text]))),
    CONSTRAINT staff_keys_secret_sha256_check CHECK ((secret_sha256 ~ '^[0-9a-f]{64}$'::text))
);


--
-- Name: staff_members; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.staff_members (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    work_email text NOT NULL,
    email_folded text NOT NULL,
    name text NOT NULL,
    role text NOT NULL,
    active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    version bigint DEFAULT 1 NOT NULL,
    seen_at timestamp with time zone,
    seen_before timestamp with time zone,
    CONSTRAINT staff_members_name_check CHECK (((length(name) >= 1) AND (length(name) <= 800))),
    CONSTRAINT staff_members_role_check CHECK ((role = ANY (ARRAY['recruiter'::text, 'hr'::text]))),
    CONSTRAINT staff_members_work_email_check CHECK (((length(work_email) >= 3) AND (length(work_email) <= 254)))
);


--
-- Name: staff_sessions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.staff_sessions (
    key_id text NOT NULL,
    secret_sha256 text NOT NULL,
    member_id uuid NOT NULL,
    method text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    last_seen_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT staff_sessions_key_id_check CHECK ((key_id ~ '^[0-9a-f]{16}$'::text)),
    CONSTRAINT staff_sessions_method_check CHECK ((method = ANY (ARRAY['link'::text, 'oidc'::text]))),
    CONSTRAINT staff_sessions_secret_sha256_check CHECK ((secret_sha256 ~ '^[0-9a-f]{64}$'::text))
);


--
-- Name: staff_sign_in_codes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.staff_sign_in_codes (
    code_sha256 text NOT NULL,
    member_id uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    CONSTRAINT staff_sign_in_codes_code_sha256_check CHECK ((code_sha256 ~ '^[0-9a-f]{64}$'::text))
);


--
-- Name: staff_sso_states; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.staff_sso_states (
    state_sha256 text NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    CONSTRAINT staff_sso_states_state_sha256_check CHECK ((state_sha256 ~ '^[0-9a-f]{64}$'::text))
);


--
-- Name: stage_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.stage_events (
    id bigint NOT NULL,
    track uuid NOT NULL,
    opening_id uuid NOT NULL,
    stage text NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL,
    left_at timestamp with time zone
);


--
-- Name: stage_events_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.stage_events ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.stage_events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: suppressions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.suppressions (
    key_sha256 text NOT NULL,
    reason text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT suppressions_reason_check CHECK ((reason = ANY (ARRAY['opt_out'::text, 'erased'::text])))
);


--
-- Data for Name: applicant_tokens; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.applicant_tokens (key_id, applicant_id, secret_sha256, created_at, signed_in_at, expires_at) FROM stdin;
\.


--
-- Data for Name: applicant_tombstones; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.applicant_tombstones (applicant_id, disposition, at, employee_id, run_id, rule) FROM stdin;
\.


--
-- Data for Name: applicants; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.applicants (id, full_name, email, phone, title, job_title, address, social_handles, source_type, source_detail, marketing_opt_in, legal_hold_reason, legal_hold_set_at, created_at, updated_at, version, privacy_notice_version, privacy_notice_accepted_at, age_16_or_over_at, sharing_opt_out, restricted_at, full_name_sealed, email_sealed, phone_sealed, address_sealed, social_sealed, email_hash, search_grams, country, region) FROM stdin;
b38c4948-7247-4fec-8e27-6828f841caac	\N	\N	\N	Dr Zqprevreltitle	Zqprevreljob	\N	\N	agency	Zqprevrelsrc	f	Zqprevrelhold	2026-12-06 22:54:49.885518+00	2026-12-06 22:54:49.735229+00	2026-12-06 22:54:49.885518+00	2	\N	\N	\N	f	\N	\\xd938a2564792d4b6ea5a985dcdb2b9cd827b644cb5f9f87e0e094b3349ef6cb87b742dfd5be1ca7e34d5a4cf71	\\x738b8da3ce427fea7dfb89443a28fe540ff0578cd33597fdb2b5ca71eb0fa32f1580df47398701362c0b5cb581df7940d990a45ae2	\\x68a2d1cea4db10d5ae4ffcde5d52b0791fc5e4e94e00446d9403c39070cb2bdb58efccc30b073586bd7b1a	\\x28e8eec40bd719abc6c548716b2da3df5382155de03de64c0e020d871dbd98b2ce5c1f996d77bba84e4c2acbf14b5f9fba59cd0065522c79639fba9e1fd78b764989fc0832d91513041a7928c7eb18acd59ef3dbf4bebe4972b9b07513f61b957b940852fb421cf1231e47fad6dc733bb389391ca81a827079f798e338ae91bee607	\\xdf187523eee2e1f0cee387f5f81b519d856bd20cb03858377851f4878b3f	\\xdc490a0cab74abd56bb0cc40cd01ccc815013942278481192f417d3964d8b44f	{-597447041,2037505704,-673324227,940138723,-906289883,2084477978,-1075686985,1964952066,689136218,1986938264,-1785002109,-1754545862,361487867,-156647432,-1871914393,-597447041,-209430399,1211591745,1743806086,-906289883,2084477978,-1075686985,1964952066,689136218,1986938264,-1785002109,291742854,-1325481311,-180303368,1671805494,1183045250,-720749153,466957744,-1726613333,-64032258,580213597,1637939406,-1685373664}	US	\N
9d5d9fbc-1c74-47b8-accd-b08fe91fe2d0	\N	\N	\N	\N	\N	\N	\N	recruiter	\N	f	\N	\N	2026-12-06 22:54:50.053224+00	2026-12-06 22:54:50.053224+00	1	\N	\N	\N	f	\N	\\xa312fdd288a7da01e3924d661a772aa0f673740bbe54f44aa62fa8af4dce67d8568da6c57f389cb42a7f268e52	\\x5bb4e3f01bb0a7e72126d0cf319a74e4908a763bcba1dd7e37cc43b535231442b73097bd2030bd1035a3fe1119a6a040d907381a	\N	\N	\\xad8c4d6f412ae47b0eaa438679f631e3fe9ad87072c4a862354f3bf153a8	\\x03ba358cf15a4a8ab61b167ad437305a513af9563b4bc6b4e207bbb0863057c1	{-1398784101,1239030008,940138723,-906289883,2084477978,-1075686985,1964952066,689136218,1986938264,-1785002109,-1783563989,-961120423,1141613003,1355846726,-2117341432,-1996136068,186587995,1743806086,-906289883,2084477978,-1075686985,1964952066,689136218,1986938264,-1785002109,291742854,-1325481311,-180303368,1671805494,1183045250,-720749153,466957744,-1726613333,-64032258,580213597,1637939406,-1685373664}	\N	\N
\.


--
-- Data for Name: application_history; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.application_history (id, application_id, from_stage, to_stage, at, actor, reason) FROM stdin;
1	3719c663-3222-4a11-a1f2-3946c616e159	\N	applied	2026-12-06 22:54:49.896661+00	fixture	\N
2	3719c663-3222-4a11-a1f2-3946c616e159	applied	interview	2026-12-06 22:54:50.0157+00	fixture	Zqprevrelwhy
\.


--
-- Data for Name: applications; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.applications (id, applicant_id, opening_id, stage, track, created_at, updated_at, closed_at, version) FROM stdin;
3719c663-3222-4a11-a1f2-3946c616e159	b38c4948-7247-4fec-8e27-6828f841caac	86dbfa39-d218-4716-8b42-f57d5c99a729	interview	c3cd517f-1be6-4417-b17f-ddd64139ce18	2026-12-06 22:54:49.896661+00	2026-12-06 22:54:50.0157+00	\N	2
\.


--
-- Data for Name: audit_log; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.audit_log (seq, at, actor, action, applicant_id, target, request_id) FROM stdin;
1	2026-12-06 22:54:49.750141+00	fixture	applicant.create	b38c4948-7247-4fec-8e27-6828f841caac	applicant	3b29413b-2fb8-46b3-8c20-d4e5e29fa0c1
2	2026-12-06 22:54:49.886506+00	fixture	legal_hold.set	b38c4948-7247-4fec-8e27-6828f841caac	applicant:legal_hold	c4a74702-3879-470f-9c44-9bee69613bb9
3	2026-12-06 22:54:49.900384+00	fixture	application.create	b38c4948-7247-4fec-8e27-6828f841caac	application:3719c663-3222-4a11-a1f2-3946c616e159	4c87636c-2e56-4eb0-a293-67443cb05e2c
4	2026-12-06 22:54:50.01907+00	fixture	application.transition	b38c4948-7247-4fec-8e27-6828f841caac	application:3719c663-3222-4a11-a1f2-3946c616e159:applied>interview	aa36cf52-e25d-4acc-95ff-00352ca2ce39
5	2026-12-06 22:54:50.031526+00	fixture	evaluation.create	b38c4948-7247-4fec-8e27-6828f841caac	evaluation:716dac9c-9e60-4c34-b6db-0b5646a2b52b	c3a47f6e-502a-4573-bb44-6083785ee7d5
6	2026-12-06 22:54:50.043628+00	fixture	document.upload	b38c4948-7247-4fec-8e27-6828f841caac	document:7470d57b-2405-4606-9556-20dfd84bd10b	41af0bd1-1084-4329-9761-8662925db083
7	2026-12-06 22:54:50.060114+00	fixture	applicant.create	9d5d9fbc-1c74-47b8-accd-b08fe91fe2d0	applicant	8840d653-a5cc-4c32-95c4-173c0bf8211a
\.


--
-- Data for Name: background_check_rules; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.background_check_rules (country, region, allowed, note, updated_at, updated_by, check_order) FROM stdin;
US	CA	t	Fair Chance Act (Cal. Gov. Code 12952): a criminal history check only after a conditional offer	2026-12-06 22:54:49.262234+00	recruitd	after_offer
\.


--
-- Data for Name: documents; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.documents (id, applicant_id, kind, filename, content_type, size, sha256, content, created_at, sealed) FROM stdin;
7470d57b-2405-4606-9556-20dfd84bd10b	b38c4948-7247-4fec-8e27-6828f841caac	resume	Zqprevrelfile.txt	text/plain; charset=utf-8	34	5cde69819ddf045d1b0dcab3c836e73c0d098f8e9a57872736eee6e4c7c618a1	\\x2e92b144315a716fc4cf31edb7e1e0d8a2ab1a8368f95e2346e97841b1a7588a5c6a5f1f41b00330af1139ea789e1f8bceb42bb08158f0966ca4a761dfc3	2026-12-06 22:54:50.040205+00	t
\.


--
-- Data for Name: email_changes; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.email_changes (code_sha256, applicant_id, sealed, masked, request_id, finishes_request, created_at, expires_at) FROM stdin;
\.


--
-- Data for Name: email_templates; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.email_templates (kind, language, subject, body) FROM stdin;
rejection	en	Your application for {{opening}}	Dear {{name}},\n\nthank you for your interest in the position of {{opening}} and for the time you\ntook to apply. After careful consideration we have decided not to take your\napplication further.\n\nWe wish you every success in your search.\n\nKind regards,\n{{company}}\n
stage_change	en	Your application for {{opening}}	Dear {{name}},\n\nyour application for the position of {{opening}} has moved to the next step.\nWe will be in touch with the details soon.\n\nKind regards,\n{{company}}\n
\.


--
-- Data for Name: employee_archive_chunks; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.employee_archive_chunks (employee_id, seq, bytes) FROM stdin;
\.


--
-- Data for Name: employees; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.employees (id, employee_number, applicant_id, application_id, start_date, hired_at, archive, archive_size, archive_sha256, created_at, contact_key) FROM stdin;
\.


--
-- Data for Name: evaluations; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.evaluations (id, application_id, score, summary, author, created_at, summary_sealed) FROM stdin;
716dac9c-9e60-4c34-b6db-0b5646a2b52b	3719c663-3222-4a11-a1f2-3946c616e159	4	\N	fixture	2026-12-06 22:54:50.029799+00	\\x086a3dbba5d6456aa9dc4f414572767573a9175cc6a6be49dcb4a0e6ab64147f68123a154c1ed615
\.


--
-- Data for Name: export_chunks; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.export_chunks (export_id, seq, bytes, sealed) FROM stdin;
\.


--
-- Data for Name: exports; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.exports (id, request_id, applicant_id, size, sha256, token_sha256, token_expires_at, downloads, created_at, expires_at) FROM stdin;
\.


--
-- Data for Name: funnel_reached; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.funnel_reached (stage, shard, n) FROM stdin;
applied	3	1
interview	7	1
\.


--
-- Data for Name: funnel_stays; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.funnel_stays (stage, bucket, shard, n) FROM stdin;
applied	0	7	1
\.


--
-- Data for Name: idempotency_keys; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.idempotency_keys (actor, key_sha256, scope, request_sha256, status, location, applicant_id, created_at, resource_id) FROM stdin;
\.


--
-- Data for Name: key_shreds; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.key_shreds (applicant_id, at) FROM stdin;
\.


--
-- Data for Name: mail_outbox; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.mail_outbox (id, kind, applicant_id, to_address, subject, body, request_id, created_at, next_attempt_at, attempts, status, finished_at, outcome) FROM stdin;
\.


--
-- Data for Name: openings; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.openings (id, title, department, country, region, location, description, status, created_at, updated_at, version, employment_type, valid_through) FROM stdin;
86dbfa39-d218-4716-8b42-f57d5c99a729	Upgrade Tester	\N	US	\N	\N	\N	open	2026-12-06 22:54:49.554875+00	2026-12-06 22:54:49.554875+00	1	\N	\N
\.


--
-- Data for Name: pending_submissions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.pending_submissions (id, code_sha256, full_name, email, phone, opening_id, marketing_opt_in, sharing_opt_out, privacy_notice_version, accepted_at, filename, content_type, size, sha256, content, created_at, expires_at, sealed, email_hash) FROM stdin;
\.


--
-- Data for Name: privacy_request_contacts; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.privacy_request_contacts (request_id, email) FROM stdin;
\.


--
-- Data for Name: privacy_request_events; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.privacy_request_events (request_id, at, event, actor_role) FROM stdin;
\.


--
-- Data for Name: privacy_requests; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.privacy_requests (id, type, status, channel, applicant_id, email_masked, received_at, confirm_by, confirmed_at, verification_level, verified_at, data_points_matched, declaration_signed_at, declaration_signed_name_sha256, failed_tries, due_at, extended_due_at, extension_reason, completed_at, outcome, outcome_detail, categories, items, corrections, details, agent, created_at, version, employee_id, status_reason) FROM stdin;
\.


--
-- Data for Name: privacy_verifications; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.privacy_verifications (code_sha256, request_id, expires_at) FROM stdin;
\.


--
-- Data for Name: purge_runs; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.purge_runs (id, dry_run, status, actor, started_at, finished_at, examined, expired, held, purged, by_rule, applicant_ids, swept) FROM stdin;
\.


--
-- Data for Name: rate_hits; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.rate_hits (endpoint, key_sha256, window_start, hits) FROM stdin;
\.


--
-- Data for Name: retention_floors; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.retention_floors (country, region, retain_days, basis) FROM stdin;
US		365	29 CFR 1602.14
US	CA	1461	Cal. Gov. Code §12946
\.


--
-- Data for Name: retention_policies; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.retention_policies (outcome, country, region, retain_days) FROM stdin;
rejected	*		183
rejected	US		365
rejected	US	CA	1461
withdrawn	*		183
withdrawn	US		365
withdrawn	US	CA	1461
no_application	*		183
no_application	US		365
no_application	US	CA	1461
\.


--
-- Data for Name: retention_rules_doc; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.retention_rules_doc (one, doc) FROM stdin;
t	[{"region": null, "country": "*", "outcome": "rejected", "retain_days": 183}, {"region": null, "country": "US", "outcome": "rejected", "retain_days": 365}, {"region": "CA", "country": "US", "outcome": "rejected", "retain_days": 1461}, {"region": null, "country": "*", "outcome": "withdrawn", "retain_days": 183}, {"region": null, "country": "US", "outcome": "withdrawn", "retain_days": 365}, {"region": "CA", "country": "US", "outcome": "withdrawn", "retain_days": 1461}, {"region": null, "country": "*", "outcome": "no_application", "retain_days": 183}, {"region": null, "country": "US", "outcome": "no_application", "retain_days": 365}, {"region": "CA", "country": "US", "outcome": "no_application", "retain_days": 1461}, {"basis": "29 CFR 1602.14", "region": null, "country": "US", "outcome": "floor", "retain_days": 365}, {"basis": "Cal. Gov. Code §12946", "region": "CA", "country": "US", "outcome": "floor", "retain_days": 1461}]
\.


--
-- Data for Name: rule_set_versions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.rule_set_versions (name, version) FROM stdin;
retention_policies	1
retention_floors	1
background_check_rules	2
email_templates	1
\.


--
-- Data for Name: schema_migrations; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.schema_migrations (name, sha256, applied_at) FROM stdin;
0001_core.sql	f77de04f056832f2186934bec32dbe939eb3934ae6bf1f4c51ce9c2f91abf78a	2026-12-06 22:54:49.147365+00
0002_openings_documents_apply.sql	027a695844c44fb680d20864440cb45004a075e3f5e6647e3c04c010446e51f3	2026-12-06 22:54:49.165908+00
0003_screening.sql	27d40f8c29206ffe0bd3c85645fba5435ca0e35866032377592d7b111f14df0b	2026-12-06 22:54:49.193733+00
0004_employees.sql	1cc283eba391e2cec0d7980aa7f6fdb10876021259cf8a63281f0f978816d434	2026-12-06 22:54:49.202732+00
0005_retention.sql	b3a311d6d7bf10115de39d3dc68f886c44c3a0e9966946d52e3277377d550c23	2026-12-06 22:54:49.205287+00
0006_search_index.sql	435703d7c6e75c9b6cece070b332cf1d22bcaa0f11ba8417059c7912c656a911	2026-12-06 22:54:49.209136+00
0007_optional_fields.sql	ff58e3004ff554ad6398046892fdcf6808c6d599f43dad5175f3b3821df6a7e2	2026-12-06 22:54:49.216336+00
0008_archive_chunks.sql	a86954f58b0faf14bd66a4b2cdc802eea36f9947d21304fe2c1ff61821147735	2026-12-06 22:54:49.21683+00
0009_rule_set_versions.sql	31bd871c954fe0d0cda33a162bde8deb492187e0ca6610e740435e63f65df61e	2026-12-06 22:54:49.21918+00
0010_purge_sweeps.sql	22afe7db706a3e4381cca7cfbbd6421d77b700eb6b6837064d7ccc4395aa361b	2026-12-06 22:54:49.222275+00
0011_mail_outbox.sql	184892362a6c9c00312397d1666de21f59445883171078211fd2f0b98f1a9e3c	2026-12-06 22:54:49.224109+00
0012_sharing_opt_out.sql	11969def733ecbf57c58f5481c5e068cbecb88e73d9521ee9c7e3d607cfe0d3e	2026-12-06 22:54:49.226437+00
0013_confirmations_sessions.sql	140e9fac5ff1a366f48752233e624b321448cf57448bbb8853d2b5faddbfcd65	2026-12-06 22:54:49.2267+00
0014_privacy_requests.sql	89f2bc6aecf19f7c0ec23434f274da004e839982b39f379732168093ca8a4f44	2026-12-06 22:54:49.233169+00
0015_exports.sql	88ea4a3cb64d095c787648b8ca78e8b69c6febb12237755b66c65e13ac0c4e7e	2026-12-06 22:54:49.24009+00
0016_retention_floors.sql	cc84c15dcdea8cb859e2f78ccbf40a796dcb487af0f2b5721fd2272f5affbf3e	2026-12-06 22:54:49.244152+00
0017_restriction.sql	e5060fed6b667acaf4d7260ad0c8034bc56c920ecea4f2800fc8dc700ddcf923	2026-12-06 22:54:49.247059+00
0018_sealed_personal_data.sql	35d093214124a2aeb5b55d73c4738bc272d88cf9a87d57f40d088e0b282a6772	2026-12-06 22:54:49.247887+00
0019_staff_key_notify.sql	187aa556ffbf50eaa4ea694754c8e835c2fd9686851e3ed3c46449417d93ced7	2026-12-06 22:54:49.252741+00
0020_retention_rules_doc.sql	a2c9c04ca7af0f71a3610b2275b8df3afa3c8a97a400f342cbe5da172366125b	2026-12-06 22:54:49.253364+00
0021_documents_unsealed.sql	1da997a12fbd8c2a2fac8cb1a94ea286b9256ce5452b614aaf33b3b9366ea27b	2026-12-06 22:54:49.255978+00
0022_stage_events_left_at.sql	7611ec80c691152fc9ce69168041ce30bccb9a504447b0eb87d43d9ee7dc57d5	2026-12-06 22:54:49.257096+00
0023_stage_events_funnel.sql	f3a5e4300de54ff42bfe4807036eef00251587e795c7e09f8d411cc0781fe85c	2026-12-06 22:54:49.258362+00
0024_email_changes.sql	6c6e4f057d747c53e2f4f48a8044d6c54f02f788729e6ab26c46663e5d2a3396	2026-12-06 22:54:49.258695+00
0025_restricted_writes.sql	7bdb42591b806c37b1423a64c7fdf8ef2f96bc2261a6e25cd71eb2b3798e905f	2026-12-06 22:54:49.260658+00
0026_idempotency_resource_ids.sql	5d00c3003d222491221de10999cd0b7d0f7ab255622cfa5b98b490f35139f0e8	2026-12-06 22:54:49.26154+00
0040_background_check_order.sql	697b14cbb280a6e2c9cd187630301d3298238cae20419ad7228512cd3ea00018	2026-12-06 22:54:49.262234+00
0041_opening_posting_fields.sql	7076fef92538a18011b79e13b4825f41b9dda9ff387d3535c75e6624cbd09649	2026-12-06 22:54:49.263542+00
0042_hired_people_requests.sql	b71d2be6d54237c4dbb91a0fb9c175814ea5bdeec1a402961555d32627236371	2026-12-06 22:54:49.264492+00
0050_staff_members.sql	1ee3ae2c9ed3873172c54e88782cd0574cd84a803debde609a7e73d3e2b034cd	2026-12-06 22:54:49.265562+00
0051_staff_sessions.sql	49c7e7dba6dd9522e45e52eefd58682f82cf2d81fb70d779db2afc99ac294eca	2026-12-06 22:54:49.268206+00
0052_email_templates.sql	bcd6ca31c33bc5f5140a9bf97d3dd4b9e4bbc86d71527e20c1965227269b925a	2026-12-06 22:54:49.272262+00
0053_staff_sso.sql	faa9f1ec0948068365effda8f2d974b8734d50b42aa84e27adece8447baffd00	2026-12-06 22:54:49.274972+00
0070_funnel_counts.sql	cc11e3fe6c15b8b7d9bead6e751eab25c80215aaa0e624c081e2e245a62b7a6c	2026-12-06 22:54:49.277065+00
\.


--
-- Data for Name: server_secrets; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.server_secrets (name, secret) FROM stdin;
rate-limit	\\x1bc6b22e5348419ea66273a37f573dfa4d8e6884e3504efcbd94abac05731c4f
suppression	\\x4d9a199d01d14638815177eee63b15ae84fdd5ae99484d36a2ce77fbb36fba41
employee-contact	\\x59617c0f6eb74747b98932134ddaad024933103a917f42b985d40c0519d3a3d6
sso	\\xb144484e85d943d78209a8c95f6b263be829642f759f4e469c292aff49160f95
\.


--
-- Data for Name: sign_in_codes; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.sign_in_codes (code_sha256, applicant_id, created_at, expires_at) FROM stdin;
\.


--
-- Data for Name: staff_keys; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.staff_keys (key_id, name, role, secret_sha256, created_at, revoked_at, member_id) FROM stdin;
51a2b2f75aada609	fixture	hr	7db983fbdaec54f6fb848601c960d5c287b33dd05b1afde23e61db343bae48ca	2026-12-06 22:54:49.321359+00	\N	\N
\.


--
-- Data for Name: staff_members; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.staff_members (id, work_email, email_folded, name, role, active, created_at, updated_at, version, seen_at, seen_before) FROM stdin;
\.


--
-- Data for Name: staff_sessions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.staff_sessions (key_id, secret_sha256, member_id, method, created_at, last_seen_at) FROM stdin;
\.


--
-- Data for Name: staff_sign_in_codes; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.staff_sign_in_codes (code_sha256, member_id, created_at, expires_at) FROM stdin;
\.


--
-- Data for Name: staff_sso_states; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.staff_sso_states (state_sha256, expires_at) FROM stdin;
\.


--
-- Data for Name: stage_events; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.stage_events (id, track, opening_id, stage, at, left_at) FROM stdin;
2	c3cd517f-1be6-4417-b17f-ddd64139ce18	86dbfa39-d218-4716-8b42-f57d5c99a729	interview	2026-12-06 22:54:50.0157+00	\N
1	c3cd517f-1be6-4417-b17f-ddd64139ce18	86dbfa39-d218-4716-8b42-f57d5c99a729	applied	2026-12-06 22:54:49.896661+00	2026-12-06 22:54:50.0157+00
\.


--
-- Data for Name: suppressions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.suppressions (key_sha256, reason, created_at) FROM stdin;
\.


--
-- Name: application_history_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.application_history_id_seq', 2, true);


--
-- Name: audit_log_seq_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.audit_log_seq_seq', 7, true);


--
-- Name: stage_events_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.stage_events_id_seq', 2, true);


--
-- Name: applicant_tokens applicant_tokens_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.applicant_tokens
    ADD CONSTRAINT applicant_tokens_pkey PRIMARY KEY (key_id);


--
-- Name: applicant_tombstones applicant_tombstones_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.applicant_tombstones
    ADD CONSTRAINT applicant_tombstones_pkey PRIMARY KEY (applicant_id);


--
-- Name: applicants applicants_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.applicants
    ADD CONSTRAINT applicants_pkey PRIMARY KEY (id);


--
-- Name: application_history application_history_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.application_history
    ADD CONSTRAINT application_history_pkey PRIMARY KEY (id);


--
-- Name: applications applications_applicant_id_opening_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.applications
    ADD CONSTRAINT applications_applicant_id_opening_id_key UNIQUE (applicant_id, opening_id);


--
-- Name: applications applications_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.applications
    ADD CONSTRAINT applications_pkey PRIMARY KEY (id);


--
-- Name: audit_log audit_log_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (seq);


--
-- Name: background_check_rules background_check_rules_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.background_check_rules
    ADD CONSTRAINT background_check_rules_pkey PRIMARY KEY (country, region);


--
-- Name: documents documents_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.documents
    ADD CONSTRAINT documents_pkey PRIMARY KEY (id);


--
-- Name: email_changes email_changes_applicant_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.email_changes
    ADD CONSTRAINT email_changes_applicant_id_key UNIQUE (applicant_id);


--
-- Name: email_changes email_changes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.email_changes
    ADD CONSTRAINT email_changes_pkey PRIMARY KEY (code_sha256);


--
-- Name: email_templates email_templates_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.email_templates
    ADD CONSTRAINT email_templates_pkey PRIMARY KEY (kind, language);


--
-- Name: employee_archive_chunks employee_archive_chunks_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.employee_archive_chunks
    ADD CONSTRAINT employee_archive_chunks_pkey PRIMARY KEY (employee_id, seq);


--
-- Name: employees employees_applicant_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.employees
    ADD CONSTRAINT employees_applicant_id_key UNIQUE (applicant_id);


--
-- Name: employees employees_application_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.employees
    ADD CONSTRAINT employees_application_id_key UNIQUE (application_id);


--
-- Name: employees employees_employee_number_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.employees
    ADD CONSTRAINT employees_employee_number_key UNIQUE (employee_number);


--
-- Name: employees employees_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.employees
    ADD CONSTRAINT employees_pkey PRIMARY KEY (id);


--
-- Name: evaluations evaluations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.evaluations
    ADD CONSTRAINT evaluations_pkey PRIMARY KEY (id);


--
-- Name: export_chunks export_chunks_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.export_chunks
    ADD CONSTRAINT export_chunks_pkey PRIMARY KEY (export_id, seq);


--
-- Name: exports exports_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.exports
    ADD CONSTRAINT exports_pkey PRIMARY KEY (id);


--
-- Name: exports exports_token_sha256_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.exports
    ADD CONSTRAINT exports_token_sha256_key UNIQUE (token_sha256);


--
-- Name: funnel_reached funnel_reached_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.funnel_reached
    ADD CONSTRAINT funnel_reached_pkey PRIMARY KEY (stage, shard);


--
-- Name: funnel_stays funnel_stays_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.funnel_stays
    ADD CONSTRAINT funnel_stays_pkey PRIMARY KEY (stage, bucket, shard);


--
-- Name: idempotency_keys idempotency_keys_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.idempotency_keys
    ADD CONSTRAINT idempotency_keys_pkey PRIMARY KEY (actor, key_sha256);


--
-- Name: key_shreds key_shreds_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.key_shreds
    ADD CONSTRAINT key_shreds_pkey PRIMARY KEY (applicant_id);


--
-- Name: mail_outbox mail_outbox_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mail_outbox
    ADD CONSTRAINT mail_outbox_pkey PRIMARY KEY (id);


--
-- Name: openings openings_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.openings
    ADD CONSTRAINT openings_pkey PRIMARY KEY (id);


--
-- Name: pending_submissions pending_submissions_code_sha256_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pending_submissions
    ADD CONSTRAINT pending_submissions_code_sha256_key UNIQUE (code_sha256);


--
-- Name: pending_submissions pending_submissions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pending_submissions
    ADD CONSTRAINT pending_submissions_pkey PRIMARY KEY (id);


--
-- Name: privacy_request_contacts privacy_request_contacts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.privacy_request_contacts
    ADD CONSTRAINT privacy_request_contacts_pkey PRIMARY KEY (request_id);


--
-- Name: privacy_requests privacy_requests_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.privacy_requests
    ADD CONSTRAINT privacy_requests_pkey PRIMARY KEY (id);


--
-- Name: privacy_verifications privacy_verifications_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.privacy_verifications
    ADD CONSTRAINT privacy_verifications_pkey PRIMARY KEY (code_sha256);


--
-- Name: purge_runs purge_runs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.purge_runs
    ADD CONSTRAINT purge_runs_pkey PRIMARY KEY (id);


--
-- Name: rate_hits rate_hits_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.rate_hits
    ADD CONSTRAINT rate_hits_pkey PRIMARY KEY (endpoint, key_sha256, window_start);


--
-- Name: retention_floors retention_floors_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.retention_floors
    ADD CONSTRAINT retention_floors_pkey PRIMARY KEY (country, region);


--
-- Name: retention_policies retention_policies_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.retention_policies
    ADD CONSTRAINT retention_policies_pkey PRIMARY KEY (outcome, country, region);


--
-- Name: retention_rules_doc retention_rules_doc_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.retention_rules_doc
    ADD CONSTRAINT retention_rules_doc_pkey PRIMARY KEY (one);


--
-- Name: rule_set_versions rule_set_versions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.rule_set_versions
    ADD CONSTRAINT rule_set_versions_pkey PRIMARY KEY (name);


--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (name);


--
-- Name: server_secrets server_secrets_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.server_secrets
    ADD CONSTRAINT server_secrets_pkey PRIMARY KEY (name);


--
-- Name: sign_in_codes sign_in_codes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sign_in_codes
    ADD CONSTRAINT sign_in_codes_pkey PRIMARY KEY (code_sha256);


--
-- Name: staff_keys staff_keys_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.staff_keys
    ADD CONSTRAINT staff_keys_name_key UNIQUE (name);


--
-- Name: staff_keys staff_keys_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.staff_keys
    ADD CONSTRAINT staff_keys_pkey PRIMARY KEY (key_id);


--
-- Name: staff_members staff_members_email_folded_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.staff_members
    ADD CONSTRAINT staff_members_email_folded_key UNIQUE (email_folded);


--
-- Name: staff_members staff_members_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.staff_members
    ADD CONSTRAINT staff_members_pkey PRIMARY KEY (id);


--
-- Name: staff_sessions staff_sessions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.staff_sessions
    ADD CONSTRAINT staff_sessions_pkey PRIMARY KEY (key_id);


--
-- Name: staff_sign_in_codes staff_sign_in_codes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.staff_sign_in_codes
    ADD CONSTRAINT staff_sign_in_codes_pkey PRIMARY KEY (code_sha256);


--
-- Name: staff_sso_states staff_sso_states_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.staff_sso_states
    ADD CONSTRAINT staff_sso_states_pkey PRIMARY KEY (state_sha256);


--
-- Name: stage_events stage_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.stage_events
    ADD CONSTRAINT stage_events_pkey PRIMARY KEY (id);


--
-- Name: suppressions suppressions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.suppressions
    ADD CONSTRAINT suppressions_pkey PRIMARY KEY (key_sha256, reason);


--
-- Name: applicant_tokens_applicant_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX applicant_tokens_applicant_idx ON public.applicant_tokens USING btree (applicant_id);


--
-- Name: applicant_tokens_expiry; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX applicant_tokens_expiry ON public.applicant_tokens USING btree (expires_at);


--
-- Name: applicants_created_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX applicants_created_idx ON public.applicants USING btree (created_at DESC, id DESC);


--
-- Name: applicants_email_hash; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX applicants_email_hash ON public.applicants USING btree (email_hash);


--
-- Name: applicants_email_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX applicants_email_key ON public.applicants USING btree (lower(email));


--
-- Name: applicants_restricted; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX applicants_restricted ON public.applicants USING btree (restricted_at) WHERE (restricted_at IS NOT NULL);


--
-- Name: applicants_search_grams; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX applicants_search_grams ON public.applicants USING gin (search_grams);


--
-- Name: applicants_unsealed; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX applicants_unsealed ON public.applicants USING btree (created_at DESC, id DESC) WHERE (email_hash IS NULL);


--
-- Name: application_history_application_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX application_history_application_idx ON public.application_history USING btree (application_id, id);


--
-- Name: applications_applicant_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX applications_applicant_idx ON public.applications USING btree (applicant_id, created_at);


--
-- Name: applications_created_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX applications_created_idx ON public.applications USING btree (created_at DESC, id DESC);


--
-- Name: applications_opening_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX applications_opening_idx ON public.applications USING btree (opening_id, stage);


--
-- Name: audit_log_actor_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_log_actor_idx ON public.audit_log USING btree (actor, seq);


--
-- Name: audit_log_applicant_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_log_applicant_idx ON public.audit_log USING btree (applicant_id, seq);


--
-- Name: audit_log_at_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_log_at_idx ON public.audit_log USING btree (at);


--
-- Name: documents_applicant_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX documents_applicant_idx ON public.documents USING btree (applicant_id, created_at, id);


--
-- Name: documents_unsealed; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX documents_unsealed ON public.documents USING btree (id) WHERE (NOT sealed);


--
-- Name: email_changes_expiry; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX email_changes_expiry ON public.email_changes USING btree (expires_at);


--
-- Name: employees_contact_key; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX employees_contact_key ON public.employees USING btree (contact_key) WHERE (contact_key IS NOT NULL);


--
-- Name: evaluations_application_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX evaluations_application_idx ON public.evaluations USING btree (application_id, created_at, id);


--
-- Name: evaluations_unsealed; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX evaluations_unsealed ON public.evaluations USING btree (id) WHERE (summary IS NOT NULL);


--
-- Name: exports_applicant; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX exports_applicant ON public.exports USING btree (applicant_id);


--
-- Name: exports_expiry; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX exports_expiry ON public.exports USING btree (expires_at);


--
-- Name: exports_request; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX exports_request ON public.exports USING btree (request_id);


--
-- Name: idempotency_keys_applicant_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idempotency_keys_applicant_idx ON public.idempotency_keys USING btree (applicant_id);


--
-- Name: idempotency_keys_created_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idempotency_keys_created_idx ON public.idempotency_keys USING btree (created_at);


--
-- Name: mail_outbox_due; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX mail_outbox_due ON public.mail_outbox USING btree (next_attempt_at) WHERE (status = 'pending'::text);


--
-- Name: openings_created_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX openings_created_idx ON public.openings USING btree (created_at DESC, id DESC);


--
-- Name: pending_submissions_email_hash; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX pending_submissions_email_hash ON public.pending_submissions USING btree (email_hash);


--
-- Name: pending_submissions_expiry; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX pending_submissions_expiry ON public.pending_submissions USING btree (expires_at);


--
-- Name: privacy_request_events_request; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX privacy_request_events_request ON public.privacy_request_events USING btree (request_id, at);


--
-- Name: privacy_requests_applicant; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX privacy_requests_applicant ON public.privacy_requests USING btree (applicant_id);


--
-- Name: privacy_requests_completed; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX privacy_requests_completed ON public.privacy_requests USING btree (completed_at);


--
-- Name: privacy_requests_due; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX privacy_requests_due ON public.privacy_requests USING btree (COALESCE(extended_due_at, due_at), id);


--
-- Name: privacy_verifications_request; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX privacy_verifications_request ON public.privacy_verifications USING btree (request_id);


--
-- Name: purge_runs_started_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX purge_runs_started_idx ON public.purge_runs USING btree (started_at DESC, id DESC);


--
-- Name: rate_hits_window; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX rate_hits_window ON public.rate_hits USING btree (window_start);


--
-- Name: sign_in_codes_applicant; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX sign_in_codes_applicant ON public.sign_in_codes USING btree (applicant_id);


--
-- Name: sign_in_codes_expiry; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX sign_in_codes_expiry ON public.sign_in_codes USING btree (expires_at);


--
-- Name: staff_keys_member; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX staff_keys_member ON public.staff_keys USING btree (member_id) WHERE (member_id IS NOT NULL);


--
-- Name: staff_members_list; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX staff_members_list ON public.staff_members USING btree (created_at DESC, id DESC);


--
-- Name: staff_sessions_member; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX staff_sessions_member ON public.staff_sessions USING btree (member_id);


--
-- Name: staff_sessions_seen; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX staff_sessions_seen ON public.staff_sessions USING btree (last_seen_at);


--
-- Name: staff_sign_in_codes_expiry; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX staff_sign_in_codes_expiry ON public.staff_sign_in_codes USING btree (expires_at);


--
-- Name: staff_sso_states_expiry; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX staff_sso_states_expiry ON public.staff_sso_states USING btree (expires_at);


--
-- Name: stage_events_current; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX stage_events_current ON public.stage_events USING btree (track) WHERE (left_at IS NULL);


--
-- Name: stage_events_funnel; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX stage_events_funnel ON public.stage_events USING btree (opening_id, stage) INCLUDE (track, at, left_at);


--
-- Name: stage_events_opening_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX stage_events_opening_idx ON public.stage_events USING btree (opening_id, track, at);


--
-- Name: applications applications_restricted; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER applications_restricted BEFORE INSERT ON public.applications FOR EACH ROW EXECUTE FUNCTION public.refuse_restricted();


--
-- Name: audit_log audit_log_no_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON public.audit_log FOR EACH STATEMENT EXECUTE FUNCTION public.audit_log_is_append_only();


--
-- Name: audit_log audit_log_no_update_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_log_no_update_delete BEFORE DELETE OR UPDATE ON public.audit_log FOR EACH STATEMENT EXECUTE FUNCTION public.audit_log_is_append_only();


--
-- Name: documents documents_restricted; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER documents_restricted BEFORE INSERT ON public.documents FOR EACH ROW EXECUTE FUNCTION public.refuse_restricted();


--
-- Name: evaluations evaluations_restricted; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER evaluations_restricted BEFORE INSERT ON public.evaluations FOR EACH ROW EXECUTE FUNCTION public.refuse_restricted();


--
-- Name: retention_floors retention_floors_doc; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER retention_floors_doc AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON public.retention_floors FOR EACH STATEMENT EXECUTE FUNCTION public.retention_rules_rebuild();


--
-- Name: retention_policies retention_policies_doc; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER retention_policies_doc AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON public.retention_policies FOR EACH STATEMENT EXECUTE FUNCTION public.retention_rules_rebuild();


--
-- Name: staff_keys staff_keys_changed; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER staff_keys_changed AFTER DELETE OR UPDATE ON public.staff_keys FOR EACH ROW EXECUTE FUNCTION public.staff_keys_changed();


--
-- Name: stage_events stage_events_leave; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER stage_events_leave AFTER INSERT ON public.stage_events FOR EACH ROW EXECUTE FUNCTION public.stage_events_leave();


--
-- Name: applicant_tokens applicant_tokens_applicant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.applicant_tokens
    ADD CONSTRAINT applicant_tokens_applicant_id_fkey FOREIGN KEY (applicant_id) REFERENCES public.applicants(id) ON DELETE CASCADE;


--
-- Name: application_history application_history_application_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.application_history
    ADD CONSTRAINT application_history_application_id_fkey FOREIGN KEY (application_id) REFERENCES public.applications(id) ON DELETE CASCADE;


--
-- Name: applications applications_applicant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.applications
    ADD CONSTRAINT applications_applicant_id_fkey FOREIGN KEY (applicant_id) REFERENCES public.applicants(id) ON DELETE CASCADE;


--
-- Name: applications applications_opening_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.applications
    ADD CONSTRAINT applications_opening_id_fkey FOREIGN KEY (opening_id) REFERENCES public.openings(id);


--
-- Name: documents documents_applicant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.documents
    ADD CONSTRAINT documents_applicant_id_fkey FOREIGN KEY (applicant_id) REFERENCES public.applicants(id) ON DELETE CASCADE;


--
-- Name: email_changes email_changes_applicant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.email_changes
    ADD CONSTRAINT email_changes_applicant_id_fkey FOREIGN KEY (applicant_id) REFERENCES public.applicants(id) ON DELETE CASCADE;


--
-- Name: employee_archive_chunks employee_archive_chunks_employee_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.employee_archive_chunks
    ADD CONSTRAINT employee_archive_chunks_employee_id_fkey FOREIGN KEY (employee_id) REFERENCES public.employees(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;


--
-- Name: evaluations evaluations_application_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.evaluations
    ADD CONSTRAINT evaluations_application_id_fkey FOREIGN KEY (application_id) REFERENCES public.applications(id) ON DELETE CASCADE;


--
-- Name: export_chunks export_chunks_export_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.export_chunks
    ADD CONSTRAINT export_chunks_export_id_fkey FOREIGN KEY (export_id) REFERENCES public.exports(id) ON DELETE CASCADE;


--
-- Name: exports exports_applicant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.exports
    ADD CONSTRAINT exports_applicant_id_fkey FOREIGN KEY (applicant_id) REFERENCES public.applicants(id) ON DELETE CASCADE;


--
-- Name: exports exports_request_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.exports
    ADD CONSTRAINT exports_request_id_fkey FOREIGN KEY (request_id) REFERENCES public.privacy_requests(id) ON DELETE CASCADE;


--
-- Name: idempotency_keys idempotency_keys_applicant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.idempotency_keys
    ADD CONSTRAINT idempotency_keys_applicant_id_fkey FOREIGN KEY (applicant_id) REFERENCES public.applicants(id) ON DELETE CASCADE;


--
-- Name: mail_outbox mail_outbox_applicant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mail_outbox
    ADD CONSTRAINT mail_outbox_applicant_id_fkey FOREIGN KEY (applicant_id) REFERENCES public.applicants(id) ON DELETE CASCADE;


--
-- Name: pending_submissions pending_submissions_opening_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pending_submissions
    ADD CONSTRAINT pending_submissions_opening_id_fkey FOREIGN KEY (opening_id) REFERENCES public.openings(id);


--
-- Name: privacy_request_contacts privacy_request_contacts_request_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.privacy_request_contacts
    ADD CONSTRAINT privacy_request_contacts_request_id_fkey FOREIGN KEY (request_id) REFERENCES public.privacy_requests(id) ON DELETE CASCADE;


--
-- Name: privacy_request_events privacy_request_events_request_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.privacy_request_events
    ADD CONSTRAINT privacy_request_events_request_id_fkey FOREIGN KEY (request_id) REFERENCES public.privacy_requests(id) ON DELETE CASCADE;


--
-- Name: privacy_verifications privacy_verifications_request_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.privacy_verifications
    ADD CONSTRAINT privacy_verifications_request_id_fkey FOREIGN KEY (request_id) REFERENCES public.privacy_requests(id) ON DELETE CASCADE;


--
-- Name: sign_in_codes sign_in_codes_applicant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sign_in_codes
    ADD CONSTRAINT sign_in_codes_applicant_id_fkey FOREIGN KEY (applicant_id) REFERENCES public.applicants(id) ON DELETE CASCADE;


--
-- Name: staff_keys staff_keys_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.staff_keys
    ADD CONSTRAINT staff_keys_member_id_fkey FOREIGN KEY (member_id) REFERENCES public.staff_members(id);


--
-- Name: staff_sessions staff_sessions_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.staff_sessions
    ADD CONSTRAINT staff_sessions_member_id_fkey FOREIGN KEY (member_id) REFERENCES public.staff_members(id);


--
-- Name: staff_sign_in_codes staff_sign_in_codes_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.staff_sign_in_codes
    ADD CONSTRAINT staff_sign_in_codes_member_id_fkey FOREIGN KEY (member_id) REFERENCES public.staff_members(id);


--
-- PostgreSQL database dump complete
--

\unrestrict lJ4WWyqp13g1sSZNjecsQPmfb09ntXbmjKd8GvJC34FyKEYpv48MZgNyjsc8fZn

