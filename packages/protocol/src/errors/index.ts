// @zorgid/protocol/errors: the error machinery and the protocol's codes and texts. Pure (no Node
// imports), so the app's renderer can take it.
export * from './coded-error';
export * from './codes';
export * from './messages';
