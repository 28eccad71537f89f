export { MinMaxScaler, minMaxScaler, type MinMaxScalerArgs } from './min-max-scaler.js';
export { StandardScaler, standardScaler, type StandardScalerArgs } from './standard-scaler.js';
export { featureMoments, type FeatureMoments } from './moments.js';
