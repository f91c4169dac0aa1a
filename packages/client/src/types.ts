import type { components, operations } from './api-types.js';

type Schemas = components['schemas'];
type Query<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>;

export type PublishRequest = Schemas['PublishRequest'];
export type PublishResult = Schemas['PublishAnswer'];
export type PushRequest = Schemas['CreatePushRequest'];
export type PushResult = Schemas['CreatePushAnswer'];
export type PushBatchResult = Schemas['CreatePushBatchAnswer'];
export type PushStatus = Schemas['GetPushAnswer'];
export type PushStatusQuery = Query<'getPush'>;
export type RecentPushes = Schemas['ListPushesAnswer'];
export type PushCancelResult = Schemas['CancelPushAnswer'];
export type Device = Schemas['Device'];
export type RegisteredDevice = Schemas['RegisterDeviceAnswer'];
export type DeviceSecret = Schemas['RotateDeviceSecretAnswer'];
export type DevicePage = Schemas['ListDevicesAnswer'];
export type DeviceQuery = Query<'listDevices'>;
export type DeviceRegistration = Schemas['RegisterDeviceRequest'];
export type DeviceChange = Schemas['UpdateDeviceRequest'];
export type EdgeList = Schemas['ListEdgesAnswer'];
export type EdgeAssignment = Schemas['AssignEdgeAnswer'];
export type EdgeDrain = Schemas['DrainEdgeAnswer'];
export type Rebalance = Schemas['RebalanceEdgesAnswer'];
export type AutoscalerStatus = Schemas['GetAutoscalerAnswer'];
export type ClientInfo = Schemas['GetClientAnswer'];
export type ClientDisconnect = Schemas['DisconnectClientAnswer'];
export type SessionInfo = Schemas['GetSessionAnswer'];
export type ApiKeyRequest = Schemas['CreateApiKeyRequest'];
export type ApiKeyInfo = Schemas['ApiKey'];
export type CreatedApiKey = Schemas['CreateApiKeyAnswer'];
export type ApiKeyList = Schemas['ListApiKeysAnswer'];
export type ErrorBody = Schemas['Error'];

export type { components, operations, paths } from './api-types.js';
