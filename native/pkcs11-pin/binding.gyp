{
  "targets": [
    {
      "target_name": "pkcs11_pin",
      "sources": ["src/pkcs11_pin.c"],
      "include_dirs": [
        "<!(node -p \"require('path').join(require('path').dirname(require.resolve('pkcs11js/package.json')), 'includes')\")"
      ],
      "defines": ["NAPI_VERSION=8"],
      "conditions": [
        ["OS!='win'", { "libraries": ["-ldl"] }]
      ]
    }
  ]
}
