// @peculiar/x509 2.x pulls in tsyringe, which refuses to load without the Reflect metadata API
// ("tsyringe requires a reflect polyfill"). Import this module before '@peculiar/x509'.
import 'reflect-metadata';

export {};
