// placeholder: implemented by the at/ owner
