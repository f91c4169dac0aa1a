// Generated from the OpenAPI document (src/api/openapi.ts) by scripts/generate-client-types.ts
// with openapi-typescript. Do not edit: run `npm run generate:client-types`.

export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** the process is up */
        get: operations["health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Redis and RocketMQ answer */
        get: operations["ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** this document */
        get: operations["openapi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/publish": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** publish one message to a topic */
        post: operations["publish"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/devices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** list devices, all or by user or tag, in id order */
        get: operations["listDevices"];
        put?: never;
        /** register a device */
        post: operations["registerDevice"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/devices/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** one device */
        get: operations["getDevice"];
        put?: never;
        post?: never;
        /** delete a device (its connection is closed) */
        delete: operations["deleteDevice"];
        options?: never;
        head?: never;
        /** change user alias or tags */
        patch: operations["updateDevice"];
        trace?: never;
    };
    "/v1/edges": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** every edge with its last heartbeat (connections, counters) */
        get: operations["listEdges"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/edges/assign": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** the edge a device should connect to: the least-loaded ready one (no API key needed) */
        get: operations["assignEdge"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/edges/{id}/drain": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** drain an edge: not-ready at once, its devices closed paced without wills, then it exits */
        post: operations["drainEdge"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/edges/rebalance": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** edges above their share of connections close the excess (paced, without wills); the devices come back through assignment */
        post: operations["rebalanceEdges"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/autoscaler": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** the autoscaler's last decision: current and desired edges, why, the forecast */
        get: operations["getAutoscaler"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/clients/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** where an MQTT client is connected, and whether it has a persistent session */
        get: operations["getClient"];
        put?: never;
        post?: never;
        /** disconnect a client, on whatever edge it is */
        delete: operations["disconnectClient"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** a persistent session: subscriptions, queue depth, oldest pending message */
        get: operations["getSession"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/devices/{id}/secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** a new secret (the old one stops working, the connection is closed) */
        post: operations["rotateDeviceSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/pushes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** the newest pushes (up to 200 kept), with their counts */
        get: operations["listPushes"];
        put?: never;
        /** push to devices, a user, a tag expression, a topic or everyone */
        post: operations["createPush"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/pushes:batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** up to 500 pushes, answered item by item */
        post: operations["createPushBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/pushes/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** delivery status: counts, and per device in id order (paged) */
        get: operations["getPush"];
        put?: never;
        post?: never;
        /** cancel what was not delivered yet */
        delete: operations["cancelPush"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** every API key: those of API_KEYS and those made over the API, with their last use */
        get: operations["listApiKeys"];
        put?: never;
        /** make an API key (shown once); it works on every API process at once */
        post: operations["createApiKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** one API key made over the API */
        get: operations["getApiKey"];
        put?: never;
        post?: never;
        /** revoke an API key (refused by every API process within API_KEY_CACHE_MS) */
        delete: operations["revokeApiKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        PublishRequest: {
            topic: string;
            payload: string;
            /**
             * @default utf8
             * @enum {string}
             */
            encoding?: "utf8" | "base64";
            /** @default 1 */
            qos?: 0 | 1 | 2;
            /** @default false */
            retain?: boolean;
            ttl?: number;
        };
        RegisterDeviceRequest: {
            id: string;
            /** @default null */
            user?: string | null;
            tags?: string[];
        };
        UpdateDeviceRequest: {
            user?: string | null;
            tags?: string[];
        };
        CreatePushRequest: {
            target: {
                devices?: string[];
                user?: string;
                tags?: string;
                topic?: string;
                /** @constant */
                broadcast?: true;
            };
            payload: unknown;
            /**
             * @default json
             * @enum {string}
             */
            format?: "json" | "text" | "base64";
            /** @default 1 */
            qos?: 0 | 1 | 2;
            ttl?: number;
            collapseKey?: string;
            /** Format: date-time */
            deliverAt?: string;
            delay?: number;
            /** @default false */
            envelope?: boolean;
        };
        CreatePushBatchRequest: {
            pushes: components["schemas"]["CreatePushRequest"][];
        };
        CreateApiKeyRequest: {
            name: string;
            /** @description what the key may do; `*` for every scope */
            scopes: ("publish" | "push" | "devices.read" | "devices.write" | "cluster.write" | "keys.manage" | "*")[];
            /** @description requests per second; the API default (API_RATE_LIMIT) when absent */
            rate?: number;
            /** @description seconds until the key expires */
            ttl?: number;
            /**
             * Format: date-time
             * @description when the key expires
             */
            expiresAt?: string;
        };
        Error: {
            error: {
                /** @description stable, to act on (the message is for people) */
                code: string;
                message: string;
                /** @description the first problem's field, a dotted path */
                field?: string;
                /** @description every problem found when the request was checked against its schema */
                problems?: {
                    field?: string;
                    message: string;
                }[];
                /** @description the answer's X-Request-Id: quote it when reporting a problem */
                requestId?: string;
            };
        };
        Device: {
            id: string;
            user: string | null;
            tags: string[];
            /** @description ISO 8601 time */
            createdAt: string;
            /** @description ISO 8601 time */
            updatedAt: string;
        };
        ApiKey: {
            /** @description null for a key of API_KEYS */
            id: string | null;
            name: string;
            /**
             * @description made over the API, or from API_KEYS (change those there)
             * @enum {string}
             */
            source: "api" | "config";
            scopes: string[];
            /** @description requests per second; null: the API default */
            rate: number | null;
            createdAt: string | null;
            expiresAt: string | null;
            /** @description to the minute */
            lastUsedAt: string | null;
        };
        PublishAnswer: {
            id: string;
            topic: string;
            qos: number;
            retain: boolean;
            /** @description ISO 8601 time */
            publishedAt: string;
            expiresAt: string | null;
        };
        RegisterDeviceAnswer: {
            id: string;
            user: string | null;
            tags: string[];
            /** @description ISO 8601 time */
            createdAt: string;
            /** @description ISO 8601 time */
            updatedAt: string;
            /** @description shown only here */
            secret: string;
        };
        ListDevicesAnswer: {
            items: components["schemas"]["Device"][];
            next: string | null;
        };
        ListEdgesAnswer: {
            items: {
                id: string;
                mqttPort: number;
                pid: number;
                /** @description ISO 8601 time */
                startedAt: string;
                /** @description ISO 8601 time */
                lastSeenAt: string;
                /** @description seen within EDGE_LEASE_MS */
                alive: boolean;
                connections: number;
                /** @description its last load report (every EDGE_LOAD_REPORT_MS) */
                load: {
                    /**
                     * @description unready: failed its readiness checks
                     * @enum {string}
                     */
                    state: "ready" | "unready" | "draining";
                    connections: number;
                    capacity: number;
                    messagesPerSecond: number;
                    /** @description p99 over the last report interval */
                    eventLoopLagMs: number;
                    /** @description cores busy over the last report interval */
                    cpu: number;
                    rssBytes: number;
                    addresses: {
                        /** @description mqtt://host:port */
                        mqtt: string;
                        /** @description mqtts://host:port, null without a TLS listener */
                        mqtts: string | null;
                        /** @description ws://host:port/mqtt, null without a WebSocket listener */
                        ws: string | null;
                    };
                    /** @description ISO 8601 time */
                    reportedAt: string;
                    /** @description the newest rebalance shed asked of it, and the connections still to close */
                    shed?: {
                        /** @description ISO 8601 time */
                        requestedAt: string;
                        remaining: number;
                    };
                } | null;
                /** @description the counters of its last heartbeat */
                stats: {
                    [key: string]: number;
                };
            }[];
        };
        AssignEdgeAnswer: {
            edgeId: string;
            addresses: {
                /** @description mqtt://host:port */
                mqtt: string;
                /** @description mqtts://host:port, null without a TLS listener */
                mqtts: string | null;
                /** @description ws://host:port/mqtt, null without a WebSocket listener */
                ws: string | null;
            };
            /**
             * @description current_edge: the device is connected there now
             * @enum {string}
             */
            reason: "least_loaded" | "current_edge";
        };
        DrainEdgeAnswer: {
            edgeId: string;
            /** @constant */
            drain: "requested";
            /** @description its connections at its last report: they are closed paced, at EDGE_DRAIN_RATE */
            connections: number;
        };
        RebalanceEdgesAnswer: {
            shed: {
                edgeId: string;
                /** @description connections it closes (paced, without wills) */
                count: number;
            }[];
        };
        GetAutoscalerAnswer: {
            /** @description ISO 8601 time */
            at: string;
            driver: string;
            /** @description edges taking devices or starting */
            current: number;
            desired: number;
            reason: string;
            /** @description highest load expected within the lead time; null before a day of history */
            forecast: {
                connections: number;
                messagesPerSecond: number;
            } | null;
            load: {
                connections: number;
                messagesPerSecond: number;
                eventLoopLagMs: number;
            };
        };
        GetClientAnswer: {
            clientId: string;
            connected: boolean;
            edgeId: string | null;
            connectedSince: string | null;
            persistentSession: boolean;
            /** @description from its edge while connected, from the stored session when offline; null when its edge did not answer */
            subscriptions: {
                topic: string;
                qos: number;
            }[] | null;
            /** @description persistent session: messages queued and not acknowledged; null for a clean session */
            queueDepth: number | null;
        };
        DisconnectClientAnswer: {
            clientId: string;
            edgeId: string;
            /** @constant */
            disconnect: "requested";
        };
        GetSessionAnswer: {
            clientId: string;
            connected: boolean;
            edgeId: string | null;
            subscriptions: {
                topic: string;
                qos: number;
            }[];
            /** @description messages queued and not acknowledged by the device */
            queueDepth: number;
            /** @description when the oldest of them was published */
            oldestPendingAt: string | null;
        };
        RotateDeviceSecretAnswer: {
            id: string;
            secret: string;
        };
        CreatePushAnswer: {
            id: string;
            /** @enum {string} */
            target: "devices" | "user" | "tags" | "topic" | "broadcast";
            /** @description devices sent to; null for topic and broadcast */
            targeted: number | null;
            unknownDevices: string[];
            /** @description ISO 8601 time */
            acceptedAt: string;
            /** @description equal to acceptedAt unless delayed */
            deliverAt: string;
            expiresAt: string | null;
            /** @description devices on which this push replaced an older one with its collapse key */
            replaced: number;
        };
        CreatePushBatchAnswer: {
            results: ({
                id: string;
                /** @enum {string} */
                target: "devices" | "user" | "tags" | "topic" | "broadcast";
                /** @description devices sent to; null for topic and broadcast */
                targeted: number | null;
                unknownDevices: string[];
                /** @description ISO 8601 time */
                acceptedAt: string;
                /** @description equal to acceptedAt unless delayed */
                deliverAt: string;
                expiresAt: string | null;
                /** @description devices on which this push replaced an older one with its collapse key */
                replaced: number;
                /** @constant */
                status: 202;
            } | {
                error: {
                    /** @description stable, to act on (the message is for people) */
                    code: string;
                    message: string;
                    /** @description the first problem's field, a dotted path */
                    field?: string;
                    /** @description every problem found when the request was checked against its schema */
                    problems?: {
                        field?: string;
                        message: string;
                    }[];
                    /** @description the answer's X-Request-Id: quote it when reporting a problem */
                    requestId?: string;
                };
                status: number;
            })[];
        };
        ListPushesAnswer: {
            items: {
                id: string;
                /** @enum {string} */
                state: "scheduled" | "accepted" | "cancelled";
                /** @enum {string} */
                target: "devices" | "user" | "tags" | "topic" | "broadcast";
                qos: number;
                /** @description ISO 8601 time */
                acceptedAt: string;
                /** @description ISO 8601 time */
                deliverAt: string;
                expiresAt: string | null;
                collapseKey: string | null;
                counts: {
                    /** @description null for topic and broadcast targets */
                    targeted: number | null;
                    /** @description not written to the device yet */
                    pending: number;
                    /** @description written to the device, not acknowledged (final for QoS 0) */
                    sent: number;
                    acknowledged: number;
                    expired: number;
                    cancelled: number;
                    /** @description replaced by a newer push with the same collapse key */
                    replaced: number;
                };
            }[];
        };
        GetPushAnswer: {
            id: string;
            /** @enum {string} */
            state: "scheduled" | "accepted" | "cancelled";
            /** @enum {string} */
            target: "devices" | "user" | "tags" | "topic" | "broadcast";
            qos: number;
            /** @description ISO 8601 time */
            acceptedAt: string;
            /** @description ISO 8601 time */
            deliverAt: string;
            expiresAt: string | null;
            collapseKey: string | null;
            counts: {
                /** @description null for topic and broadcast targets */
                targeted: number | null;
                /** @description not written to the device yet */
                pending: number;
                /** @description written to the device, not acknowledged (final for QoS 0) */
                sent: number;
                acknowledged: number;
                expired: number;
                cancelled: number;
                /** @description replaced by a newer push with the same collapse key */
                replaced: number;
            };
            devices: {
                items: {
                    deviceId: string;
                    /** @enum {string} */
                    state: "pending" | "sent" | "acked" | "expired" | "cancelled" | "replaced";
                }[];
                /** @description pass as `after` for the next page */
                next: string | null;
            };
        };
        CancelPushAnswer: {
            id: string;
            /** @constant */
            state: "cancelled";
            /** @description devices the push will not be delivered to any more */
            cancelled: number;
        };
        CreateApiKeyAnswer: {
            /** @description null for a key of API_KEYS */
            id: string | null;
            name: string;
            /**
             * @description made over the API, or from API_KEYS (change those there)
             * @enum {string}
             */
            source: "api" | "config";
            scopes: string[];
            /** @description requests per second; null: the API default */
            rate: number | null;
            createdAt: string | null;
            expiresAt: string | null;
            /** @description to the minute */
            lastUsedAt: string | null;
            /** @description the key: shown only here */
            key: string;
        };
        ListApiKeysAnswer: {
            items: components["schemas"]["ApiKey"][];
        };
    };
    responses: never;
    parameters: {
        /** @description your id for this request, echoed in the answer and logged; one is made when absent */
        RequestId: string;
        /** @description a repeat within 24 hours with the same key and body sends nothing and gets the first answer */
        IdempotencyKey: string;
    };
    requestBodies: never;
    headers: {
        /** @description the request's id: yours, or one made for it */
        RequestId: string;
        /** @description the key's limit: `"api-key";q=<requests>;w=1` */
        RateLimitPolicy: string;
        /** @description what is left: `"api-key";r=<requests>;t=<seconds until full>` */
        RateLimit: string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    health: {
        parameters: {
            query?: never;
            header?: {
                /** @description your id for this request, echoed in the answer and logged; one is made when absent */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description up */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ready: {
        parameters: {
            query?: never;
            header?: {
                /** @description your id for this request, echoed in the answer and logged; one is made when absent */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description ready */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description not ready */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    openapi: {
        parameters: {
            query?: never;
            header?: {
                /** @description your id for this request, echoed in the answer and logged; one is made when absent */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OpenAPI 3.1 */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    publish: {
        parameters: {
            query?: never;
            header?: {
                /** @description your id for this request, echoed in the answer and logged; one is made when absent */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /** @example {
                 *       "topic": "news/today",
                 *       "payload": "hello",
                 *       "qos": 1,
                 *       "ttl": 3600
                 *     } */
                "application/json": components["schemas"]["PublishRequest"];
            };
        };
        responses: {
            /** @description stored in RocketMQ */
            202: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example {
                     *       "id": "1f0c7b52-8a14-4d0e-9f1e-6a2b7c3d4e5f",
                     *       "topic": "news/today",
                     *       "qos": 1,
                     *       "retain": false,
                     *       "publishedAt": "2026-12-03T09:30:00.000Z",
                     *       "expiresAt": "2026-12-03T10:30:00.000Z"
                     *     } */
                    "application/json": components["schemas"]["PublishAnswer"];
                };
            };
            /** @description invalid body */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no valid API key */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the key lacks the scope */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload too large */
            413: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over the key's rate limit (Retry-After) */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listDevices: {
        parameters: {
            query?: {
                user?: string;
                tag?: string;
                after?: string;
                limit?: number;
            };
            header?: {
                /** @description your id for this request, echoed in the answer and logged; one is made when absent */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description one page */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example {
                     *       "items": [
                     *         {
                     *           "id": "phone-1",
                     *           "user": "alice",
                     *           "tags": [
                     *             "beta",
                     *             "eu"
                     *           ],
                     *           "createdAt": "2026-12-03T09:30:00.000Z",
                     *           "updatedAt": "2026-12-03T09:30:00.000Z"
                     *         }
                     *       ],
                     *       "next": null
                     *     } */
                    "application/json": components["schemas"]["ListDevicesAnswer"];
                };
            };
            /** @description invalid query */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no valid API key */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the key lacks the scope */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over the key's rate limit (Retry-After) */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    registerDevice: {
        parameters: {
            query?: never;
            header?: {
                /** @description your id for this request, echoed in the answer and logged; one is made when absent */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /** @example {
                 *       "id": "phone-1",
                 *       "user": "alice",
                 *       "tags": [
                 *         "beta",
                 *         "eu"
                 *       ]
                 *     } */
                "application/json": components["schemas"]["RegisterDeviceRequest"];
            };
        };
        responses: {
            /** @description registered; the secret is shown only here */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example {
                     *       "id": "phone-1",
                     *       "user": "alice",
                     *       "tags": [
                     *         "beta",
                     *         "eu"
                     *       ],
                     *       "createdAt": "2026-12-03T09:30:00.000Z",
                     *       "updatedAt": "2026-12-03T09:30:00.000Z",
                     *       "secret": "dXs7Qm0yY2p6bG9hZ2k5N3Fw"
                     *     } */
                    "application/json": components["schemas"]["RegisterDeviceAnswer"];
                };
            };
            /** @description invalid body */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no valid API key */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the key lacks the scope */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description id taken */
            409: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over the key's rate limit (Retry-After) */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getDevice: {
        parameters: {
            query?: never;
            header?: {
                /** @description your id for this request, echoed in the answer and logged; one is made when absent */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the device */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example {
                     *       "id": "phone-1",
                     *       "user": "alice",
                     *       "tags": [
                     *         "beta",
                     *         "eu"
                     *       ],
                     *       "createdAt": "2026-12-03T09:30:00.000Z",
                     *       "updatedAt": "2026-12-03T09:30:00.000Z"
                     *     } */
                    "application/json": components["schemas"]["Device"];
                };
            };
            /** @description invalid id */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no valid API key */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the key lacks the scope */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no such device */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over the key's rate limit (Retry-After) */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteDevice: {
        parameters: {
            query?: never;
            header?: {
                /** @description your id for this request, echoed in the answer and logged; one is made when absent */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description deleted */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid id */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no valid API key */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the key lacks the scope */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no such device */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over the key's rate limit (Retry-After) */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateDevice: {
        parameters: {
            query?: never;
            header?: {
                /** @description your id for this request, echoed in the answer and logged; one is made when absent */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /** @example {
                 *       "tags": [
                 *         "beta",
                 *         "eu",
                 *         "ios"
                 *       ]
                 *     } */
                "application/json": components["schemas"]["UpdateDeviceRequest"];
            };
        };
        responses: {
            /** @description the device */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example {
                     *       "id": "phone-1",
                     *       "user": "alice",
                     *       "tags": [
                     *         "beta",
                     *         "eu",
                     *         "ios"
                     *       ],
                     *       "createdAt": "2026-12-03T09:30:00.000Z",
                     *       "updatedAt": "2026-12-03T09:30:00.000Z"
                     *     } */
                    "application/json": components["schemas"]["Device"];
                };
            };
            /** @description invalid body */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no valid API key */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the key lacks the scope */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no such device */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over the key's rate limit (Retry-After) */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listEdges: {
        parameters: {
            query?: never;
            header?: {
                /** @description your id for this request, echoed in the answer and logged; one is made when absent */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the edges, by id */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example {
                     *       "items": [
                     *         {
                     *           "id": "edge-1",
                     *           "mqttPort": 1883,
                     *           "pid": 4711,
                     *           "startedAt": "2026-12-03T09:30:00.000Z",
                     *           "lastSeenAt": "2026-12-03T09:30:00.000Z",
                     *           "alive": true,
                     *           "connections": 10234,
                     *           "load": {
                     *             "state": "ready",
                     *             "connections": 10234,
                     *             "capacity": 100000,
                     *             "messagesPerSecond": 812.5,
                     *             "eventLoopLagMs": 3.1,
                     *             "cpu": 0.42,
                     *             "rssBytes": 412000000,
                     *             "addresses": {
                     *               "mqtt": "mqtt://edge-1.push.example.com:1883",
                     *               "mqtts": "mqtts://edge-1.push.example.com:8883",
                     *               "ws": "ws://edge-1.push.example.com:8083/mqtt"
                     *             },
                     *             "reportedAt": "2026-12-03T09:30:00.000Z"
                     *           },
                     *           "stats": {
                     *             "delivered": 1204331,
                     *             "connectedClients": 10234
                     *           }
                     *         }
                     *       ]
                     *     } */
                    "application/json": components["schemas"]["ListEdgesAnswer"];
                };
            };
            /** @description no valid API key */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the key lacks the scope */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over the key's rate limit (Retry-After) */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    assignEdge: {
        parameters: {
            query?: {
                device?: string;
            };
            header?: {
                /** @description your id for this request, echoed in the answer and logged; one is made when absent */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description its MQTT, TLS and WebSocket addresses */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example {
                     *       "edgeId": "edge-1",
                     *       "addresses": {
                     *         "mqtt": "mqtt://edge-1.push.example.com:1883",
                     *         "mqtts": "mqtts://edge-1.push.example.com:8883",
                     *         "ws": "ws://edge-1.push.example.com:8083/mqtt"
                     *       },
                     *       "reason": "least_loaded"
                     *     } */
                    "application/json": components["schemas"]["AssignEdgeAnswer"];
                };
            };
            /** @description invalid device id */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no edge is ready with room (Retry-After) */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    drainEdge: {
        parameters: {
            query?: never;
            header?: {
                /** @description your id for this request, echoed in the answer and logged; one is made when absent */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the edge was told to drain */
            202: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example {
                     *       "edgeId": "edge-3",
                     *       "drain": "requested",
                     *       "connections": 8120
                     *     } */
                    "application/json": components["schemas"]["DrainEdgeAnswer"];
                };
            };
            /** @description invalid id */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no valid API key */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the key lacks the scope */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no such edge running */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over the key's rate limit (Retry-After) */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    rebalanceEdges: {
        parameters: {
            query?: never;
            header?: {
                /** @description your id for this request, echoed in the answer and logged; one is made when absent */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description what each edge was told to shed */
            202: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example {
                     *       "shed": [
                     *         {
                     *           "edgeId": "edge-1",
                     *           "count": 1500
                     *         }
                     *       ]
                     *     } */
                    "application/json": components["schemas"]["RebalanceEdgesAnswer"];
                };
            };
            /** @description no valid API key */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the key lacks the scope */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over the key's rate limit (Retry-After) */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getAutoscaler: {
        parameters: {
            query?: never;
            header?: {
                /** @description your id for this request, echoed in the answer and logged; one is made when absent */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description its last decision */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example {
                     *       "at": "2026-12-03T09:30:00.000Z",
                     *       "driver": "kubernetes",
                     *       "current": 3,
                     *       "desired": 4,
                     *       "reason": "forecast 31,200 connections in 60 s; 3 edges hold 24,000 at the target",
                     *       "forecast": {
                     *         "connections": 31200,
                     *         "messagesPerSecond": 2400
                     *       },
                     *       "load": {
                     *         "connections": 22800,
                     *         "messagesPerSecond": 1900,
                     *         "eventLoopLagMs": 4.2
                     *       }
                     *     } */
                    "application/json": components["schemas"]["GetAutoscalerAnswer"];
                };
            };
            /** @description no valid API key */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the key lacks the scope */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no autoscaler has run */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over the key's rate limit (Retry-After) */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getClient: {
        parameters: {
            query?: never;
            header?: {
                /** @description your id for this request, echoed in the answer and logged; one is made when absent */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the client */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example {
                     *       "clientId": "phone-1",
                     *       "connected": true,
                     *       "edgeId": "edge-1",
                     *       "connectedSince": "2026-12-03T09:30:00.000Z",
                     *       "persistentSession": true,
                     *       "subscriptions": [
                     *         {
                     *           "topic": "devices/phone-1",
                     *           "qos": 1
                     *         },
                     *         {
                     *           "topic": "users/alice",
                     *           "qos": 1
                     *         }
                     *       ],
                     *       "queueDepth": 0
                     *     } */
                    "application/json": components["schemas"]["GetClientAnswer"];
                };
            };
            /** @description invalid id */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no valid API key */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the key lacks the scope */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not connected and no persistent session */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over the key's rate limit (Retry-After) */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    disconnectClient: {
        parameters: {
            query?: never;
            header?: {
                /** @description your id for this request, echoed in the answer and logged; one is made when absent */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description its edge was told to close the connection */
            202: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example {
                     *       "clientId": "phone-1",
                     *       "edgeId": "edge-1",
                     *       "disconnect": "requested"
                     *     } */
                    "application/json": components["schemas"]["DisconnectClientAnswer"];
                };
            };
            /** @description invalid id */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no valid API key */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the key lacks the scope */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not connected */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over the key's rate limit (Retry-After) */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getSession: {
        parameters: {
            query?: never;
            header?: {
                /** @description your id for this request, echoed in the answer and logged; one is made when absent */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the session */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example {
                     *       "clientId": "phone-1",
                     *       "connected": false,
                     *       "edgeId": null,
                     *       "subscriptions": [
                     *         {
                     *           "topic": "devices/phone-1",
                     *           "qos": 1
                     *         }
                     *       ],
                     *       "queueDepth": 3,
                     *       "oldestPendingAt": "2026-12-03T09:30:00.000Z"
                     *     } */
                    "application/json": components["schemas"]["GetSessionAnswer"];
                };
            };
            /** @description invalid id */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no valid API key */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the key lacks the scope */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no persistent session */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over the key's rate limit (Retry-After) */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    rotateDeviceSecret: {
        parameters: {
            query?: never;
            header?: {
                /** @description your id for this request, echoed in the answer and logged; one is made when absent */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the new secret */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example {
                     *       "id": "phone-1",
                     *       "secret": "b3JtN2w5cXd6eDFjdmJubTQ"
                     *     } */
                    "application/json": components["schemas"]["RotateDeviceSecretAnswer"];
                };
            };
            /** @description invalid id */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no valid API key */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the key lacks the scope */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no such device */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over the key's rate limit (Retry-After) */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listPushes: {
        parameters: {
            query?: {
                limit?: number;
            };
            header?: {
                /** @description your id for this request, echoed in the answer and logged; one is made when absent */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description newest first */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example {
                     *       "items": [
                     *         {
                     *           "id": "9b2f6a3e-5c1d-4f7a-8e21-3b6d0c9f4a17",
                     *           "state": "accepted",
                     *           "target": "user",
                     *           "qos": 1,
                     *           "acceptedAt": "2026-12-03T09:30:00.000Z",
                     *           "deliverAt": "2026-12-03T09:30:00.000Z",
                     *           "expiresAt": "2026-12-04T09:30:00.000Z",
                     *           "collapseKey": null,
                     *           "counts": {
                     *             "targeted": 2,
                     *             "pending": 0,
                     *             "sent": 0,
                     *             "acknowledged": 2,
                     *             "expired": 0,
                     *             "cancelled": 0,
                     *             "replaced": 0
                     *           }
                     *         }
                     *       ]
                     *     } */
                    "application/json": components["schemas"]["ListPushesAnswer"];
                };
            };
            /** @description invalid query */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no valid API key */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the key lacks the scope */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over the key's rate limit (Retry-After) */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createPush: {
        parameters: {
            query?: never;
            header?: {
                /** @description your id for this request, echoed in the answer and logged; one is made when absent */
                "X-Request-Id"?: components["parameters"]["RequestId"];
                /** @description a repeat within 24 hours with the same key and body sends nothing and gets the first answer */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /** @example {
                 *       "target": {
                 *         "user": "alice"
                 *       },
                 *       "payload": {
                 *         "title": "Your order shipped",
                 *         "orderId": 4711
                 *       },
                 *       "format": "json",
                 *       "qos": 1,
                 *       "ttl": 86400,
                 *       "collapseKey": "order-4711",
                 *       "envelope": true
                 *     } */
                "application/json": components["schemas"]["CreatePushRequest"];
            };
        };
        responses: {
            /** @description every message stored in RocketMQ (delayed: in its delay topic) */
            202: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example {
                     *       "id": "9b2f6a3e-5c1d-4f7a-8e21-3b6d0c9f4a17",
                     *       "target": "user",
                     *       "targeted": 2,
                     *       "unknownDevices": [],
                     *       "acceptedAt": "2026-12-03T09:30:00.000Z",
                     *       "deliverAt": "2026-12-03T09:30:00.000Z",
                     *       "expiresAt": "2026-12-04T09:30:00.000Z",
                     *       "replaced": 0
                     *     } */
                    "application/json": components["schemas"]["CreatePushAnswer"];
                };
            };
            /** @description invalid push; code delay_too_long past the broker's delay limit */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no valid API key */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the key lacks the scope */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description none of the devices is registered */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description same Idempotency-Key still running */
            409: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload too large */
            413: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency-Key used with another body */
            422: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over the key's rate limit (Retry-After) */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createPushBatch: {
        parameters: {
            query?: never;
            header?: {
                /** @description your id for this request, echoed in the answer and logged; one is made when absent */
                "X-Request-Id"?: components["parameters"]["RequestId"];
                /** @description a repeat within 24 hours with the same key and body sends nothing and gets the first answer */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /** @example {
                 *       "pushes": [
                 *         {
                 *           "target": {
                 *             "devices": [
                 *               "phone-1"
                 *             ]
                 *           },
                 *           "payload": "hi",
                 *           "format": "text"
                 *         },
                 *         {
                 *           "target": {
                 *             "tags": "beta AND NOT churned"
                 *           },
                 *           "payload": {
                 *             "v": 2
                 *           }
                 *         }
                 *       ]
                 *     } */
                "application/json": components["schemas"]["CreatePushBatchRequest"];
            };
        };
        responses: {
            /** @description one result per push, each with its own status */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example {
                     *       "results": [
                     *         {
                     *           "status": 202,
                     *           "id": "9b2f6a3e-5c1d-4f7a-8e21-3b6d0c9f4a17",
                     *           "target": "devices",
                     *           "targeted": 1,
                     *           "unknownDevices": [],
                     *           "acceptedAt": "2026-12-03T09:30:00.000Z",
                     *           "deliverAt": "2026-12-03T09:30:00.000Z",
                     *           "expiresAt": "2026-12-04T09:30:00.000Z",
                     *           "replaced": 0
                     *         },
                     *         {
                     *           "status": 404,
                     *           "error": {
                     *             "code": "unknown_devices",
                     *             "message": "none of the 1 device ids is registered",
                     *             "field": "target.devices"
                     *           }
                     *         }
                     *       ]
                     *     } */
                    "application/json": components["schemas"]["CreatePushBatchAnswer"];
                };
            };
            /** @description invalid batch */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no valid API key */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the key lacks the scope */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description same Idempotency-Key still running */
            409: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Idempotency-Key used with another body */
            422: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over the key's rate limit (Retry-After) */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPush: {
        parameters: {
            query?: {
                after?: string;
                limit?: number;
            };
            header?: {
                /** @description your id for this request, echoed in the answer and logged; one is made when absent */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the status */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example {
                     *       "id": "9b2f6a3e-5c1d-4f7a-8e21-3b6d0c9f4a17",
                     *       "state": "accepted",
                     *       "target": "user",
                     *       "qos": 1,
                     *       "acceptedAt": "2026-12-03T09:30:00.000Z",
                     *       "deliverAt": "2026-12-03T09:30:00.000Z",
                     *       "expiresAt": "2026-12-04T09:30:00.000Z",
                     *       "collapseKey": null,
                     *       "counts": {
                     *         "targeted": 2,
                     *         "pending": 0,
                     *         "sent": 0,
                     *         "acknowledged": 2,
                     *         "expired": 0,
                     *         "cancelled": 0,
                     *         "replaced": 0
                     *       },
                     *       "devices": {
                     *         "items": [
                     *           {
                     *             "deviceId": "phone-1",
                     *             "state": "acked"
                     *           },
                     *           {
                     *             "deviceId": "tablet-1",
                     *             "state": "acked"
                     *           }
                     *         ],
                     *         "next": null
                     *       }
                     *     } */
                    "application/json": components["schemas"]["GetPushAnswer"];
                };
            };
            /** @description invalid query */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no valid API key */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the key lacks the scope */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no such push */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over the key's rate limit (Retry-After) */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    cancelPush: {
        parameters: {
            query?: never;
            header?: {
                /** @description your id for this request, echoed in the answer and logged; one is made when absent */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description cancelled */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example {
                     *       "id": "9b2f6a3e-5c1d-4f7a-8e21-3b6d0c9f4a17",
                     *       "state": "cancelled",
                     *       "cancelled": 2
                     *     } */
                    "application/json": components["schemas"]["CancelPushAnswer"];
                };
            };
            /** @description no valid API key */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the key lacks the scope */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no such push */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over the key's rate limit (Retry-After) */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listApiKeys: {
        parameters: {
            query?: never;
            header?: {
                /** @description your id for this request, echoed in the answer and logged; one is made when absent */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the keys */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example {
                     *       "items": [
                     *         {
                     *           "id": null,
                     *           "name": "admin",
                     *           "source": "config",
                     *           "scopes": [
                     *             "publish",
                     *             "push",
                     *             "devices.read",
                     *             "devices.write",
                     *             "cluster.write",
                     *             "keys.manage"
                     *           ],
                     *           "rate": null,
                     *           "createdAt": null,
                     *           "expiresAt": null,
                     *           "lastUsedAt": "2026-12-03T09:30:00.000Z"
                     *         },
                     *         {
                     *           "id": "3f9c2a7b1e4d8c05",
                     *           "name": "billing",
                     *           "source": "api",
                     *           "scopes": [
                     *             "push"
                     *           ],
                     *           "rate": 50,
                     *           "createdAt": "2026-12-03T09:30:00.000Z",
                     *           "expiresAt": null,
                     *           "lastUsedAt": null
                     *         }
                     *       ]
                     *     } */
                    "application/json": components["schemas"]["ListApiKeysAnswer"];
                };
            };
            /** @description no valid API key */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the key lacks the scope */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over the key's rate limit (Retry-After) */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createApiKey: {
        parameters: {
            query?: never;
            header?: {
                /** @description your id for this request, echoed in the answer and logged; one is made when absent */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /** @example {
                 *       "name": "billing",
                 *       "scopes": [
                 *         "push"
                 *       ],
                 *       "rate": 50,
                 *       "ttl": 7776000
                 *     } */
                "application/json": components["schemas"]["CreateApiKeyRequest"];
            };
        };
        responses: {
            /** @description made; `key` is shown only here */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example {
                     *       "id": "3f9c2a7b1e4d8c05",
                     *       "name": "billing",
                     *       "source": "api",
                     *       "scopes": [
                     *         "push"
                     *       ],
                     *       "rate": 50,
                     *       "createdAt": "2026-12-03T09:30:00.000Z",
                     *       "expiresAt": "2027-03-03T09:30:00.000Z",
                     *       "lastUsedAt": null,
                     *       "key": "rpk_3f9c2a7b1e4d8c05_Wm9vN2Z4cTJrc3Z0YjBuZXBhcnQtc2l4dHktZm91cg"
                     *     } */
                    "application/json": components["schemas"]["CreateApiKeyAnswer"];
                };
            };
            /** @description invalid body */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no valid API key */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the key lacks the scope */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the name is taken */
            409: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over the key's rate limit (Retry-After) */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getApiKey: {
        parameters: {
            query?: never;
            header?: {
                /** @description your id for this request, echoed in the answer and logged; one is made when absent */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the key (never the key itself) */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example {
                     *       "id": "3f9c2a7b1e4d8c05",
                     *       "name": "billing",
                     *       "source": "api",
                     *       "scopes": [
                     *         "push"
                     *       ],
                     *       "rate": 50,
                     *       "createdAt": "2026-12-03T09:30:00.000Z",
                     *       "expiresAt": null,
                     *       "lastUsedAt": null
                     *     } */
                    "application/json": components["schemas"]["ApiKey"];
                };
            };
            /** @description invalid id */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no valid API key */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the key lacks the scope */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no such key */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over the key's rate limit (Retry-After) */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    revokeApiKey: {
        parameters: {
            query?: never;
            header?: {
                /** @description your id for this request, echoed in the answer and logged; one is made when absent */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description revoked */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid id */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no valid API key */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the key lacks the scope */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no such key */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description over the key's rate limit (Retry-After) */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "RateLimit-Policy": components["headers"]["RateLimitPolicy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
}
