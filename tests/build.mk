# Checks of the set-up itself.
CHECK_CMDS += deps-nonroot=tests/checks/deps-nonroot.sh runner=tests/checks/runner.py \
	format=tests/checks/format.sh cppcheck=tests/checks/cppcheck.sh \
	qemu-devices=tests/checks/qemu-devices.sh platform-facts=tests/checks/platform-facts.sh \
	benchload=tests/checks/benchload.py
