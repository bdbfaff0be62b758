from kvalitativ.cli import main

main()
