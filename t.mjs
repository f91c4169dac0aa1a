import mqtt from 'mqtt';
const lat = [];
for (let i = 0; i < 12; i++) {
  const id = 'lat-' + Date.now() + '-' + i;
  const a = await mqtt.connectAsync('mqtt://127.0.0.1:1883', { clientId: id, reconnectPeriod: 0 });
  const closed = new Promise(r => a.once('close', r));
  const t = Date.now();
  const b = await mqtt.connectAsync('mqtt://127.0.0.1:1884', { clientId: id, reconnectPeriod: 0 });
  await closed; lat.push(Date.now() - t);
  await b.endAsync();
  await new Promise(r => setTimeout(r, Math.random() * 15000));
}
console.log(lat.join(' '));
process.exit(0);
