-- The transactional outbox: domain events stored with the change they report, relayed by the worker.
CREATE TABLE "outbox_events" (
    "id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "submission_id" UUID,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "handled" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "available_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dispatched_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_events_pkey" PRIMARY KEY ("id")
);

-- The relay asks "not dispatched and due?"; the cleanup "dispatched long ago?".
CREATE INDEX "outbox_events_dispatched_at_available_at_idx" ON "outbox_events"("dispatched_at", "available_at");

-- A webhook delivery names the event it tells of; one per event and endpoint.
ALTER TABLE "webhook_deliveries" ADD COLUMN "outbox_event_id" UUID;
CREATE UNIQUE INDEX "webhook_deliveries_outbox_event_id_endpoint_id_key" ON "webhook_deliveries"("outbox_event_id", "endpoint_id");
