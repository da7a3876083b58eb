"""HubSpot's vocabulary: object types, property names, limits, scopes and association type ids.

Constants only; every other module of the connector takes its CRM words from here.
Sources: HubSpot CRM v3/v4 reference (search, batch, associations v4, pipelines, properties)
and the private-app scope list.
"""

from __future__ import annotations

from typing import Final

# -- object types ---------------------------------------------------------------------------
DEALS: Final = "deals"
CONTACTS: Final = "contacts"
TASKS: Final = "tasks"

# -- properties -----------------------------------------------------------------------------
OBJECT_ID: Final = "hs_object_id"
DEAL_MODIFIED: Final = "hs_lastmodifieddate"
CONTACT_MODIFIED: Final = "lastmodifieddate"  # contacts have no hs_lastmodifieddate in search
TASK_MODIFIED: Final = "hs_lastmodifieddate"
DEAL_STAGE: Final = "dealstage"
DEAL_PIPELINE: Final = "pipeline"
# Always read on deals: the stage, pipeline and the change cursor.
DEAL_BASE_PROPERTIES: Final = (DEAL_STAGE, DEAL_PIPELINE, DEAL_MODIFIED)

TASK_BODY: Final = "hs_task_body"
TASK_SUBJECT: Final = "hs_task_subject"
TASK_STATUS: Final = "hs_task_status"
TASK_PRIORITY: Final = "hs_task_priority"
TASK_DUE: Final = "hs_timestamp"
TASK_OWNER: Final = "hubspot_owner_id"
TASK_CREATED: Final = "hs_createdate"
TASK_COMPLETED_AT: Final = "hs_task_completion_date"
TASK_PROPERTIES: Final = (
    TASK_BODY,
    TASK_SUBJECT,
    TASK_STATUS,
    TASK_OWNER,
    TASK_CREATED,
    TASK_COMPLETED_AT,
    TASK_MODIFIED,
)
# What dealgate acts on in a task: a version of a task that dealgate wrote is only taken for
# dealgate's own when every one of these equals what the write answer showed (streams.py).
TASK_WATCHED: Final = (
    TASK_BODY,
    TASK_SUBJECT,
    TASK_STATUS,
    TASK_OWNER,
    TASK_COMPLETED_AT,
)
TASK_COMPLETED: Final = "COMPLETED"
TASK_NOT_STARTED: Final = "NOT_STARTED"

# -- limits ---------------------------------------------------------------------------------
SEARCH_PAGE: Final = 200  # results per search page
SEARCH_CAP: Final = 10_000  # results one search query can reach; past it HubSpot answers 400
LIST_PAGE: Final = 100  # results per list page (GET /crm/v3/objects/{type})
BATCH_READ: Final = 100  # ids per object batch read
BATCH_WRITE: Final = 100  # inputs per batch create / update
ASSOCIATION_BATCH: Final = 1_000  # ids per associations v4 batch read
SEARCH_FILTERS_MAX: Final = 25  # filters per search request, over all groups
SEARCH_IN_VALUES_MAX: Final = 100  # values of one IN filter (documented limit)

# -- associations ---------------------------------------------------------------------------
HUBSPOT_DEFINED: Final = "HUBSPOT_DEFINED"
USER_DEFINED: Final = "USER_DEFINED"
TASK_TO_DEAL_TYPE: Final = 216  # documented; confirmed at run time through the labels endpoint

# -- scopes (private app / OAuth) -------------------------------------------------------------
# Each need is met by any one of its scopes (HubSpot's reference: "This API requires one of the
# following scopes"). Tasks have granular scopes of their own (crm.objects.tasks.read/write);
# apps made before them reach tasks through the contacts scopes, which HubSpot still accepts.
READ_SCOPES: Final = (
    ("crm.objects.deals.read",),
    ("crm.objects.contacts.read",),
    ("crm.objects.owners.read",),
    ("crm.schemas.deals.read",),
    ("crm.objects.tasks.read", "crm.objects.contacts.read"),
    ("crm.schemas.contacts.read",),
)
WRITE_SCOPES: Final = (("crm.objects.tasks.write", "crm.objects.contacts.write"),)
SCHEMA_SCOPES: Final = (("crm.schemas.deals.write",),)  # `schema install` only

# -- rate limits ----------------------------------------------------------------------------
HEADER_WINDOW_MAX: Final = "x-hubspot-ratelimit-max"
HEADER_WINDOW_REMAINING: Final = "x-hubspot-ratelimit-remaining"
HEADER_WINDOW_MS: Final = "x-hubspot-ratelimit-interval-milliseconds"
HEADER_SECONDLY_REMAINING: Final = "x-hubspot-ratelimit-secondly-remaining"
HEADER_DAILY_REMAINING: Final = "x-hubspot-ratelimit-daily-remaining"
DAILY_POLICY: Final = "DAILY"

# -- paths the generated client has no method for ------------------------------------------------
PRIVATE_APP_TOKEN_INFO: Final = "/oauth/v2/private-apps/get/access-token-info"
TASKS_BATCH_UPDATE: Final = "/crm/v3/objects/tasks/batch/update"  # the task-write probe
