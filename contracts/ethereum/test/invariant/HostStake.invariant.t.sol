// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {Test} from "../utils/Test.sol";
import {HostStake} from "../../src/HostStake.sol";

/// @notice Drives HostStake (ETH) with random hosts, amounts and times and a model of each stake.
contract StakeHandler is Test {
    HostStake public immutable hs;
    address public immutable operator;
    address public immutable treasury;
    uint256 public immutable delay;

    address[] public hosts;
    mapping(address => uint256) public modelStake;
    mapping(address => uint256) public modelUnlockAt;

    uint256 public stakedIn;
    uint256 public unstakedOut;
    uint256 public sweptOut;
    uint256 public slashedTotal;
    uint256 public overSlashes; // a slash above the stake that went through
    uint256 public strangerSlashes; // a slash by a non-operator that went through
    uint256 public earlyUnstakes; // an unstake before the delay that went through
    uint256 public wrongRefusals; // an allowed call refused
    uint256 public slashes;

    constructor(HostStake hs_, address operator_) {
        hs = hs_;
        operator = operator_;
        treasury = hs_.treasury();
        delay = hs_.unstakeDelay();
        for (uint256 i; i < 4; ++i) {
            hosts.push(makeAddr(string(abi.encodePacked("host", bytes1(uint8(48 + i))))));
        }
    }

    function stake(uint256 hostSeed, uint256 amount) external {
        address host = hosts[hostSeed % hosts.length];
        amount = bound(amount, 1, 100 ether);
        vm.deal(host, host.balance + amount);
        bool allowed = modelUnlockAt[host] == 0;
        vm.prank(host);
        try hs.stake{value: amount}(amount) {
            if (!allowed) wrongRefusals++;
            modelStake[host] += amount;
            stakedIn += amount;
        } catch {
            if (allowed) wrongRefusals++;
        }
    }

    function requestUnstake(uint256 hostSeed) external {
        address host = hosts[hostSeed % hosts.length];
        bool allowed = modelStake[host] != 0 && modelUnlockAt[host] == 0;
        vm.prank(host);
        try hs.requestUnstake() {
            if (!allowed) wrongRefusals++;
            modelUnlockAt[host] = block.timestamp + delay;
        } catch {
            if (allowed) wrongRefusals++;
        }
    }

    function cancelUnstake(uint256 hostSeed) external {
        address host = hosts[hostSeed % hosts.length];
        bool allowed = modelUnlockAt[host] != 0;
        vm.prank(host);
        try hs.cancelUnstake() {
            if (!allowed) wrongRefusals++;
            modelUnlockAt[host] = 0;
        } catch {
            if (allowed) wrongRefusals++;
        }
    }

    function unstake(uint256 hostSeed) external {
        address host = hosts[hostSeed % hosts.length];
        uint256 unlockAt = modelUnlockAt[host];
        bool allowed = unlockAt != 0 && block.timestamp >= unlockAt;
        uint256 before = host.balance;
        vm.prank(host);
        try hs.unstake() {
            if (unlockAt == 0 || block.timestamp < unlockAt) earlyUnstakes++;
            if (host.balance - before != modelStake[host]) wrongRefusals++;
            unstakedOut += host.balance - before;
            modelStake[host] = 0;
            modelUnlockAt[host] = 0;
        } catch {
            if (allowed) wrongRefusals++;
        }
    }

    /// The operator slashes, sometimes more than the stake; sometimes a stranger tries.
    function slash(uint256 hostSeed, uint256 amount, bool byStranger) external {
        address host = hosts[hostSeed % hosts.length];
        uint256 staked = modelStake[host];
        amount = bound(amount, 1, staked + staked / 5 + 1);
        address caller = byStranger ? hosts[(hostSeed % hosts.length + 1) % hosts.length] : operator;
        vm.prank(caller);
        try hs.slash(host, amount, keccak256(abi.encode(hostSeed))) {
            if (amount > staked) overSlashes++;
            if (caller != operator) strangerSlashes++;
            modelStake[host] = staked - amount;
            slashedTotal += amount;
            slashes++;
        } catch {
            if (!byStranger && amount <= staked) wrongRefusals++;
        }
    }

    function sweep() external {
        uint256 before = treasury.balance;
        try hs.sweep() {
            sweptOut += treasury.balance - before;
        } catch {}
    }

    function warp(uint256 secs) external {
        vm.warp(block.timestamp + bound(secs, 1, 3 days));
    }

    function hostCount() external view returns (uint256) {
        return hosts.length;
    }
}

contract HostStakeInvariantTest is Test {
    StakeHandler handler;
    HostStake hs;

    function setUp() public {
        vm.warp(1_700_000_000);
        address operator = makeAddr("operator");
        hs = new HostStake(address(0), makeAddr("owner"), operator, makeAddr("treasury"), 7 days);
        handler = new StakeHandler(hs, operator);
        targetContract(address(handler));
    }

    /// What went in is held or went out; what is held is the stakes plus the unswept slashes.
    function invariant_moneyIsConserved() public view {
        uint256 held = address(hs).balance;
        vm.assertEq(handler.stakedIn(), held + handler.unstakedOut() + handler.sweptOut(), "in == held + out");
        uint256 stakes;
        for (uint256 i; i < handler.hostCount(); ++i) {
            (uint256 amount,) = hs.stakeOf(handler.hosts(i));
            stakes += amount;
        }
        vm.assertEq(held, stakes + hs.slashedUnswept(), "held == stakes + unswept");
        vm.assertEq(
            handler.slashedTotal(), hs.slashedUnswept() + handler.sweptOut(), "slashed goes to the treasury only"
        );
    }

    function invariant_stakesMatchTheModel() public view {
        for (uint256 i; i < handler.hostCount(); ++i) {
            address h = handler.hosts(i);
            (uint256 amount, uint40 unlockAt) = hs.stakeOf(h);
            vm.assertEq(amount, handler.modelStake(h), "stake");
            vm.assertEq(unlockAt, handler.modelUnlockAt(h), "unlockAt");
        }
    }

    function invariant_slashNeverAboveTheStake_onlyByTheOperator_noEarlyExit() public view {
        vm.assertEq(handler.overSlashes(), 0, "slashed above the stake");
        vm.assertEq(handler.strangerSlashes(), 0, "slashed by a non-operator");
        vm.assertEq(handler.earlyUnstakes(), 0, "left before the delay");
        vm.assertEq(handler.wrongRefusals(), 0, "an allowed call was refused");
    }
}
