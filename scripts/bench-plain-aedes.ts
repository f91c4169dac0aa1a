// The reference broker of `npm run bench`: a plain in-memory aedes on a free port, in its own
// process like the rocketpush edges. Prints its port on stdout, runs until killed.
import { createServer } from 'node:net';
import { Aedes } from 'aedes';

const broker = await Aedes.createBroker();
const server = createServer(broker.handle);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(typeof address === 'object' && address ? address.port : 0);
});
process.on('SIGTERM', () => { server.close(); broker.close(() => process.exit(0)); });
