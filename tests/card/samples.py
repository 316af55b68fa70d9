"""Card data shared by the card tests. Fictional people only."""

# The synthetic example of CARD.md: 山田　花子, 東京都千代田区霞が関２－１－２, 1990-04-01, sex 2.
CARD_MD_EXAMPLE = bytes.fromhex("""
FF 20 5C DF 21 08 00 0E 00 20 00 50 00 5B DF 22
0F E5 B1 B1 E7 94 B0 E3 80 80 E8 8A B1 E5 AD 90
DF 23 2D E6 9D B1 E4 BA AC E9 83 BD E5 8D 83 E4
BB A3 E7 94 B0 E5 8C BA E9 9C 9E E3 81 8C E9 96
A2 EF BC 92 EF BC 8D EF BC 91 EF BC 8D EF BC 92
DF 24 08 31 39 39 30 30 34 30 31 DF 25 01 32
""")
