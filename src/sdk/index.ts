export { RocketpushClient, RocketpushError } from './client.js';
export type {
  Device, DeviceChange, DevicePage, DeviceRegistration, PublishRequest, PublishResult, PushBatchResult, PushRequest,
  PushResult, RegisteredDevice, RocketpushClientOptions,
} from './client.js';
