export { RocketpushClient, RocketpushError } from './client.js';
export type {
  Device, DeviceChange, DevicePage, DeviceRegistration, PublishRequest, PublishResult, PushBatchResult, PushRequest,
  PushResult, PushStatus, RecentPushes, PushCancelResult, RegisteredDevice, RocketpushClientOptions, EdgeList, EdgeAssignment, EdgeDrain, Rebalance, AutoscalerStatus, ClientInfo, ClientDisconnect,
  SessionInfo,
} from './client.js';
