from yuanzi.cli import main

main()
