/** What each command takes, shown by `rocketpush <command> --help` (and all of it by `--help`). */
export const COMMANDS: Record<string, string> = {
  push: `push (--device ID ... | --user ALIAS | --tags EXPR | --topic TOPIC | --broadcast)
     (--json JSON | --text TEXT | --base64 DATA) [--qos 0|1|2] [--ttl SECONDS] [--idempotency-key KEY]
     [--collapse-key KEY] [--delay SECONDS | --at ISO-TIME]
  Pushes one message; answers its id and how many devices it targets. A push always carries an
  Idempotency-Key (yours, or one made for it), so a retried push is never sent twice.`,
  status: `status PUSH-ID [--limit N] [--after DEVICE-ID]
  Where a push stands: counts, and per-device states in device id order.`,
  cancel: `cancel PUSH-ID
  Cancels what a push has not delivered yet.`,
  publish: `publish TOPIC TEXT [--qos 0|1|2] [--retain] [--ttl SECONDS]
  Publishes one message to an MQTT topic.`,
  devices: `devices register ID [--user ALIAS] [--tag TAG ...]
devices get ID | delete ID | rotate-secret ID
devices update ID [--user ALIAS | --no-user] [--tag TAG ... | --no-tags]
devices list [--user ALIAS | --tag TAG] [--limit N] [--after ID]
  The device registry. register and rotate-secret answer the device's secret, shown only then.`,
  edges: `edges [assign [DEVICE] | drain EDGE-ID | rebalance]
  The MQTT edges with their load; where a device should connect; scale-in and rebalance.`,
  autoscaler: `autoscaler
  The autoscaler's last decision.`,
  clients: `clients get ID | disconnect ID
  Where an MQTT client is connected; close its connection.`,
  sessions: `sessions get ID
  A persistent session: subscriptions, queue depth, oldest pending message.`,
  keys: `keys create NAME --scope SCOPE [--scope SCOPE ...] [--rate N] [--ttl SECONDS | --at ISO-TIME]
keys list | get ID | revoke ID
  API keys (the key used needs scope keys.manage). Scopes: publish, push, devices.read,
  devices.write, cluster.write, keys.manage, or * for all. create answers the key, shown only then.`,
  webhooks: `webhooks secret
  Prints a new webhook signing secret (whsec_...) for WEBHOOK_SECRET; no API call.`,
};

export const GENERAL = `usage: rocketpush <command> [options]

Commands:
${Object.values(COMMANDS).map((u) => u.split('\n').filter((l) => !l.startsWith('  ')).map((l) => `  ${l}`).join('\n')).join('\n')}

Options of every command:
  --url URL          the API (default $ROCKETPUSH_URL, else http://127.0.0.1:3000)
  --api-key KEY      the API key (default $ROCKETPUSH_API_KEY)
  -h, --help         this text, or a command's with the command: rocketpush push --help
  -v, --version      the CLI's version

Answers are printed as JSON on stdout. An API error goes to stderr as JSON and exits 1;
bad usage exits 2.`;
