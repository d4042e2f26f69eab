'use strict';
// The compiled addon (binding.gyp). N-API, so the same binary loads in Node and in Electron.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a .node addon loads only through require
module.exports = require('./build/Release/pkcs11_pin.node');
